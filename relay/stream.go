package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// streamRequest is one chat request as the relay sends it.
type streamRequest struct {
	Method       string
	URL          string
	Body         []byte
	Header       http.Header
	Timeout      time.Duration // whole request, 0 = none
	IdleTimeout  time.Duration // longest wait for the next SSE event once headers arrived (see readBody), 0 = none
	Content      bool          // return the answer's text
	MaxBodyBytes int64         // cap for a buffered non-SSE body
}

const (
	// defaultMaxBodyBytes bounds a buffered (non-SSE) body so a misbehaving server cannot exhaust memory.
	defaultMaxBodyBytes = 32 << 20
	// maxErrorBody is how much of an error body the record carries: enough for a code and a message.
	maxErrorBody = 4 << 10
)

var (
	clockBase = time.Now()
	bufPool   = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
)

// monoNow reads the monotonic clock as ns since process start.
func monoNow() int64 { return int64(time.Since(clockBase)) }

func msSince(zero, at int64) float64 { return float64(at-zero) / 1e6 }

// doStream sends r through rt and decodes the response as it arrives, stamping each SSE event at
// the moment the read that completed it returned. Failures land in the record's error.
func doStream(ctx context.Context, rt http.RoundTripper, r streamRequest) *Record {
	rec := newRecord()
	rec.Sent = true
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if r.Timeout > 0 {
		t := time.AfterFunc(r.Timeout, func() { cancel(errTotalTimeout) })
		defer t.Stop()
	}

	var wrote, firstByte atomic.Int64
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(monoNow())
			}
		},
		GotFirstResponseByte: func() { firstByte.CompareAndSwap(0, monoNow()) },
	})

	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		rec.Error = &StreamError{CatInvalidRequest, err.Error()}
		return rec
	}
	if r.Header != nil {
		hreq.Header = r.Header
		if h := r.Header.Get("Host"); h != "" {
			hreq.Host = h
		}
	}

	start := monoNow()
	resp, err := rt.RoundTrip(hreq)
	headersAt := monoNow()
	// The written-request stamp is the zero of every timing; a server that answers before the
	// transport reports the write leaves the send start as the best stand-in.
	zero := wrote.Load()
	if zero == 0 && err == nil {
		zero = start
	}
	if zero != 0 {
		sentAt := float64(clockBase.Add(time.Duration(zero)).UnixNano()) / 1e6
		rec.SentAtMs = &sentAt
	} else {
		zero = start
	}
	if fb := firstByte.Load(); fb != 0 {
		rec.TTFBMs = msSince(zero, fb)
	}
	if err != nil {
		rec.Error = categorize(err, context.Cause(ctx), false)
		rec.EndMs = msSince(zero, headersAt)
		return rec
	}
	defer func() { _ = resp.Body.Close() }()
	rec.Status = resp.StatusCode
	rec.Proto = resp.Proto
	copyHeaders(rec.Headers, resp.Header)
	rec.SSE = isEventStream(resp.Header.Get("Content-Type"))
	rec.EndMs = msSince(zero, readBody(ctx, cancel, resp.Body, r, rec, zero))
	return rec
}

// readBody consumes the body (decoding SSE events as they complete, buffering a plain body) and
// returns when the last read returned.
//
// The idle timer runs from the headers to the first event and between events. On an SSE stream
// only a complete event resets it: comment lines (": ping" keep-alives) and partial events are not
// progress of a generation, so a server that keeps the connection warm but produces nothing still
// times out. A plain body has no events, so there any bytes read reset it. The total timeout
// bounds everything either way.
func readBody(ctx context.Context, cancel context.CancelCauseFunc, body io.Reader, r streamRequest, rec *Record, zero int64) int64 {
	progress := idleWatch(r.IdleTimeout, cancel)
	defer progress.stop()
	maxBody := r.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = defaultMaxBodyBytes
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp

	failed := rec.Status >= 400
	sse := rec.SSE && !failed
	dec := newDecoder(rec, r.Content)
	var parser Parser
	var plain []byte
	var at int64
	stopped := false
	emit := func(e Event) {
		if stopped {
			return
		}
		progress.reset()
		stopped = !dec.event(msSince(zero, at), e.Data)
	}
	for {
		n, err := body.Read(buf)
		at = monoNow()
		if n > 0 {
			switch {
			case sse:
				parser.Feed(buf[:n], emit)
				if stopped {
					// The record already failed; the rest of the stream cannot change that.
					dec.flushContent()
					return at
				}
			case failed:
				progress.reset()
				if keep := maxErrorBody - len(plain); keep > 0 {
					plain = append(plain, buf[:min(n, keep)]...)
				}
			default:
				progress.reset()
				if int64(len(plain)+n) > maxBody {
					rec.Error = &StreamError{CatInvalidResponse, "response body exceeds the buffered-body limit"}
					return at
				}
				plain = append(plain, buf[:n]...)
			}
		}
		if err == nil {
			continue
		}
		if !errors.Is(err, io.EOF) {
			// A partial event is dropped here: half a JSON chunk from a broken stream is not data.
			rec.Error = categorize(err, context.Cause(ctx), true)
			if failed {
				rec.Body = prefix(plain, maxErrorBody)
			}
			dec.flushContent()
			return at
		}
		switch {
		case sse:
			parser.End(emit)
			dec.endSSE()
		case failed:
			rec.Body = prefix(plain, maxErrorBody)
		default:
			dec.body(plain, msSince(zero, at))
		}
		return at
	}
}

// idleTimer cancels the request with errIdleTimeout when no progress is reported within its timeout.
type idleTimer struct {
	timer   *time.Timer
	timeout time.Duration
}

// idleWatch starts the idle timer; a zero timeout gives a timer that never fires.
func idleWatch(timeout time.Duration, cancel context.CancelCauseFunc) idleTimer {
	if timeout <= 0 {
		return idleTimer{}
	}
	return idleTimer{time.AfterFunc(timeout, func() { cancel(errIdleTimeout) }), timeout}
}

// reset reports progress: the idle timeout starts again from now.
func (t idleTimer) reset() {
	if t.timer != nil {
		t.timer.Reset(t.timeout)
	}
}

// stop disarms the timer once the body is done.
func (t idleTimer) stop() {
	if t.timer != nil {
		t.timer.Stop()
	}
}

func isEventStream(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "text/event-stream"
}

// copyHeaders keeps only the response headers the harness reads, under Go's canonical names.
func copyHeaders(dst map[string]string, src http.Header) {
	for k, v := range src {
		switch {
		case k == "Content-Type", k == "Retry-After", k == "X-Request-Id",
			strings.HasPrefix(k, "X-Ratelimit-"), k == "Ratelimit", strings.HasPrefix(k, "Ratelimit-"):
			dst[k] = strings.Join(v, ", ")
		}
	}
}
