package llm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// Request describes one streamed HTTP request.
type Request struct {
	Method       string
	URL          string
	Body         []byte
	Header       http.Header
	Timeout      time.Duration // whole request, 0 = none
	IdleTimeout  time.Duration // longest wait for the next SSE event once headers arrived (see readBody), 0 = none
	MaxBodyBytes int64         // cap for non-SSE bodies
}

// TimedEvent is an SSE event with its arrival time in ns since the request was written.
type TimedEvent struct {
	T int64
	Event
}

// Timings are ns since the request was written; -1 marks a point the request never reached.
type Timings struct {
	Headers   int64
	FirstByte int64
	End       int64
}

// Result is everything one streamed request produced; Err is set instead of returning an error.
type Result struct {
	Status  int
	Proto   string
	Header  http.Header
	SSE     bool
	Events  []TimedEvent
	Body    []byte
	Timings Timings
	SentAt  time.Time
	Err     *StreamError
}

// DefaultMaxBodyBytes bounds a buffered (non-SSE) body so a misbehaving server cannot exhaust memory.
const DefaultMaxBodyBytes = 32 << 20

var (
	clockBase = time.Now()
	bufPool   = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
)

// monoNow reads the monotonic clock as ns since process start.
func monoNow() int64 { return int64(time.Since(clockBase)) }

// Do sends r through rt and reads the body as it arrives, stamping each SSE event on the Go side
// at the moment the read that completed it returned. It never returns an error: failures land in Result.Err.
func Do(ctx context.Context, rt http.RoundTripper, r Request) *Result {
	res := &Result{Timings: Timings{Headers: -1, FirstByte: -1, End: -1}}
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
		res.Err = &StreamError{CatInvalidRequest, err.Error()}
		return res
	}
	if r.Header != nil {
		hreq.Header = r.Header
	}

	start := monoNow()
	resp, err := rt.RoundTrip(hreq)
	headersAt := monoNow()
	// The written-request stamp is the zero of every timing; fall back to the send start if the
	// transport answered before it reported the write (possible when a server replies early).
	zero := func() int64 {
		if w := wrote.Load(); w != 0 {
			return w
		}
		return start
	}
	finish := func(end int64) {
		z := zero()
		res.SentAt = clockBase.Add(time.Duration(z))
		if fb := firstByte.Load(); fb != 0 {
			res.Timings.FirstByte = fb - z
		}
		res.Timings.End = end - z
		for i := range res.Events {
			res.Events[i].T -= z
		}
	}
	if err != nil {
		res.Err = categorize(err, context.Cause(ctx), false)
		finish(headersAt)
		return res
	}
	defer func() { _ = resp.Body.Close() }()
	res.Timings.Headers = headersAt
	res.Status = resp.StatusCode
	res.Proto = resp.Proto
	res.Header = resp.Header
	res.SSE = isEventStream(resp.Header.Get("Content-Type"))

	end := readBody(ctx, cancel, resp.Body, r, res)
	res.Timings.Headers -= zero()
	finish(end)
	return res
}

// readBody consumes the body, parsing SSE events or buffering a plain body, and returns when the
// last read returned.
//
// The idle timer runs from the headers to the first event and between events. On an SSE stream
// only a complete event resets it: comment lines (": ping" keep-alives) and partial events are not
// progress of a generation, so a server that keeps the connection warm but produces nothing still
// times out. A plain body has no events, so there any bytes read reset it. The total timeout
// bounds everything either way.
func readBody(ctx context.Context, cancel context.CancelCauseFunc, body io.Reader, r Request, res *Result) int64 {
	progress := idleWatch(r.IdleTimeout, cancel)
	defer progress.stop()
	maxBody := r.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp

	var parser Parser
	var at int64
	emit := func(e Event) {
		progress.reset()
		res.Events = append(res.Events, TimedEvent{T: at, Event: e})
	}
	for {
		n, err := body.Read(buf)
		at = monoNow()
		if n > 0 {
			if res.SSE {
				parser.Feed(buf[:n], emit)
			} else {
				progress.reset()
				if int64(len(res.Body)+n) > maxBody {
					res.Err = &StreamError{CatInvalidResponse, "response body exceeds the buffered-body limit"}
					return at
				}
				res.Body = append(res.Body, buf[:n]...)
			}
		}
		if errors.Is(err, io.EOF) {
			if res.SSE {
				parser.End(emit)
			}
			return at
		}
		if err != nil {
			// A partial event is dropped here: half a JSON chunk from a broken stream is not data.
			res.Err = categorize(err, context.Cause(ctx), true)
			return at
		}
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
