package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"
)

func plainTransport() *http.Transport {
	return &http.Transport{DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
}

func contentChunk(s string) string {
	return fmt.Sprintf("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":null}]}\n\n", s)
}

// sseServer streams n content chunks with the given gap, then a finish chunk and [DONE], and
// reports when each content chunk was written (since the handler started).
func sseServer(t *testing.T, n int, gap time.Duration, written chan<- time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "req-1")
		w.Header().Set("X-Ratelimit-Remaining-Requests", "99")
		w.Header().Set("Server", "test")
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		fl.Flush()
		start := time.Now()
		for i := 0; i < n; i++ {
			time.Sleep(time.Until(start.Add(time.Duration(i+1) * gap)))
			fmt.Fprint(w, contentChunk(fmt.Sprintf("t%d ", i)))
			fl.Flush()
			if written != nil {
				written <- time.Since(start)
			}
		}
		fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":10}}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestStreamStampsEventsAsTheyArrive(t *testing.T) {
	const n = 10
	gap := 15 * time.Millisecond
	written := make(chan time.Duration, n)
	srv := sseServer(t, n, gap, written)

	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL, Timeout: 10 * time.Second, Content: true})
	if rec.Error != nil {
		t.Fatalf("unexpected error: %v", rec.Error)
	}
	if !rec.SSE || rec.Status != 200 || rec.Events != n+2 || rec.Chunks != n || len(rec.ITLMs) != n-1 {
		t.Fatalf("sse=%v status=%d events=%d chunks=%d itl=%d", rec.SSE, rec.Status, rec.Events, rec.Chunks, len(rec.ITLMs))
	}
	var serverAt []time.Duration
	for i := 0; i < n; i++ {
		serverAt = append(serverAt, <-written)
	}
	var errs []float64
	for i := 1; i < n; i++ {
		serverGap := float64(serverAt[i]-serverAt[i-1]) / 1e6
		d := rec.ITLMs[i-1] - serverGap
		if d < 0 {
			d = -d
		}
		errs = append(errs, d)
	}
	sort.Float64s(errs)
	if med := errs[len(errs)/2]; med > 1 {
		t.Errorf("median gap error %.3f ms, want <= 1 ms (errors %v)", med, errs)
	}
	if rec.SentAtMs == nil || rec.TTFBMs < 0 || rec.TTFTMs < rec.TTFBMs || rec.TTFOMs != rec.TTFTMs || rec.E2EMs < rec.TTFTMs || rec.EndMs < rec.E2EMs {
		t.Errorf("timings not ordered: sentAt %v ttfb %.3f ttft %.3f ttfo %.3f e2e %.3f end %.3f", rec.SentAtMs, rec.TTFBMs, rec.TTFTMs, rec.TTFOMs, rec.E2EMs, rec.EndMs)
	}
	if now := float64(time.Now().UnixNano()) / 1e6; *rec.SentAtMs > now || *rec.SentAtMs < now-10_000 {
		t.Errorf("sentAtMs %.1f is not a recent Unix time in ms (now %.1f)", *rec.SentAtMs, now)
	}
	if !rec.SawDone || rec.FinishReason != "stop" || rec.Usage == nil || *rec.Usage.Completion != 10 || rec.ContentChars != 30 || !strings.HasPrefix(rec.Content, "t0 t1 ") {
		t.Errorf("decoded: done %v finish %q usage %+v chars %d content %q", rec.SawDone, rec.FinishReason, rec.Usage, rec.ContentChars, rec.Content)
	}
	if rec.Headers["X-Request-Id"] != "req-1" || rec.Headers["X-Ratelimit-Remaining-Requests"] != "99" || rec.Headers["Server"] != "" || rec.Headers["Content-Type"] != "text/event-stream" {
		t.Errorf("headers %v", rec.Headers)
	}
}

func TestErrorStatusReturnsBodyUndecoded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":"slow down","code":"RATE_LIMIT_EXCEEDED"}`)
		fmt.Fprint(w, strings.Repeat(" ", 10_000))
	}))
	defer srv.Close()
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "POST", URL: srv.URL, Body: []byte("{}")})
	if rec.Error != nil || rec.SSE || rec.Status != 429 || rec.Events != 0 || rec.Headers["Retry-After"] != "2" {
		t.Fatalf("got err=%v sse=%v status=%d events=%d headers=%v", rec.Error, rec.SSE, rec.Status, rec.Events, rec.Headers)
	}
	if !strings.HasPrefix(rec.Body, `{"error":"slow down","code":"RATE_LIMIT_EXCEEDED"}`) || len(rec.Body) != maxErrorBody {
		t.Errorf("body %d bytes: %.60q", len(rec.Body), rec.Body)
	}
}

func TestNonSSECompletionIsDecoded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"choices":[{"message":{"content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":1}}`)
	}))
	defer srv.Close()
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "POST", URL: srv.URL, Body: []byte("{}")})
	if rec.Error != nil || rec.SSE || rec.ContentChars != 5 || rec.FinishReason != "stop" || rec.E2EMs < 0 || rec.E2EMs != rec.EndMs || rec.TTFTMs != -1 || rec.Body != "" {
		t.Fatalf("record %+v", rec)
	}
}

func TestBufferedBodyIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, 4096))
	}))
	defer srv.Close()
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL, MaxBodyBytes: 1000})
	assertCategory(t, rec, CatInvalidResponse)
}

func assertCategory(t *testing.T, rec *Record, want string) {
	t.Helper()
	if rec.Error == nil {
		t.Fatalf("expected a %s error, got none (status %d)", want, rec.Status)
	}
	if rec.Error.Category != want {
		t.Fatalf("category %q (%s), want %q", rec.Error.Category, rec.Error.Message, want)
	}
}

func TestIdleTimeoutBetweenEvents(t *testing.T) {
	srv := sseServer(t, 3, 400*time.Millisecond, nil)
	start := time.Now()
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL, Timeout: 10 * time.Second, IdleTimeout: 100 * time.Millisecond})
	assertCategory(t, rec, CatIdleTimeout)
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("idle timeout took %v to fire", el)
	}
}

func TestTotalTimeoutWhileWaitingForHeaders(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL, Timeout: 150 * time.Millisecond})
	assertCategory(t, rec, CatTimeout)
	if rec.Status != 0 || rec.TTFBMs != -1 || rec.SentAtMs == nil {
		t.Errorf("status %d ttfb %.3f sentAt %v for a request written that never got headers", rec.Status, rec.TTFBMs, rec.SentAtMs)
	}
}

func TestTotalTimeoutDuringStream(t *testing.T) {
	srv := sseServer(t, 20, 50*time.Millisecond, nil)
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL, Timeout: 200 * time.Millisecond})
	assertCategory(t, rec, CatTimeout)
	if rec.Chunks == 0 || rec.TTFTMs < 0 {
		t.Error("chunks received before the timeout were lost")
	}
}

func TestCancelledContextIsAborted(t *testing.T) {
	srv := sseServer(t, 20, 50*time.Millisecond, nil)
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(120*time.Millisecond, func() { cancel(errors.New("test aborted")) })
	start := time.Now()
	rec := doStream(ctx, plainTransport(), streamRequest{Method: "GET", URL: srv.URL})
	assertCategory(t, rec, CatAborted)
	if el := time.Since(start); el > time.Second {
		t.Errorf("cancellation took %v", el)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: "http://" + addr + "/"})
	assertCategory(t, rec, CatConnectionRefused)
	if rec.SentAtMs != nil {
		t.Errorf("sentAtMs %v for a request never written", *rec.SentAtMs)
	}
}

// hijackServer runs fn on the raw connection after reading the request.
func hijackServer(t *testing.T, fn func(c net.Conn)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_ = buf.Flush()
		fn(c)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func resetConn(c net.Conn) {
	_ = c.(*net.TCPConn).SetLinger(0)
	_ = c.Close()
}

func TestResetBeforeHeaders(t *testing.T) {
	srv := hijackServer(t, resetConn)
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "POST", URL: srv.URL, Body: []byte("{}")})
	assertCategory(t, rec, CatConnectionReset)
}

func TestResetMidStreamIsAnInterruption(t *testing.T) {
	srv := hijackServer(t, func(c net.Conn) {
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
		chunk := contentChunk("a")
		fmt.Fprintf(c, "%x\r\n%s\r\n", len(chunk), chunk)
		time.Sleep(20 * time.Millisecond)
		fmt.Fprintf(c, "%x\r\ndata: {\"half", 30)
		time.Sleep(20 * time.Millisecond)
		resetConn(c)
	})
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL})
	assertCategory(t, rec, CatStreamInterrupted)
	if rec.Events != 1 || rec.Chunks != 1 {
		t.Errorf("want the one complete event and not the half one, got %d events", rec.Events)
	}
}

func TestMalformedChunkStopsTheStream(t *testing.T) {
	srv := trickleServer(t, "text/event-stream", 10*time.Millisecond, contentChunk("a"), "data: {oops\n\n", contentChunk("b"))
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL, Content: true})
	assertCategory(t, rec, CatMalformedStream)
	if rec.Chunks != 1 || rec.Content != "a" || rec.Error.Message != "chunk is not JSON: {oops" {
		t.Errorf("chunks %d content %q message %q", rec.Chunks, rec.Content, rec.Error.Message)
	}
}

func TestStreamWithoutEndIsInterrupted(t *testing.T) {
	srv := trickleServer(t, "text/event-stream", time.Millisecond, contentChunk("a"))
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL})
	assertCategory(t, rec, CatStreamInterrupted)
}

func TestDNSFailureCategory(t *testing.T) {
	// No resolver is queried: the dialer fails the way a failed lookup does, so the test stays off the network.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "llm.invalid", IsNotFound: true}}
	}}
	rec := doStream(context.Background(), tr, streamRequest{Method: "GET", URL: "http://llm.invalid/"})
	assertCategory(t, rec, CatDNS)
	// A dialer that reports a failed lookup only in words still counts as dns.
	tr = &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, errors.New("lookup filtered.test: no such host")
	}}
	rec = doStream(context.Background(), tr, streamRequest{Method: "GET", URL: "http://filtered.test/"})
	assertCategory(t, rec, CatDNS)
}

func TestUntrustedCertificateIsTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	rec := doStream(context.Background(), newTransport(false), streamRequest{Method: "GET", URL: srv.URL})
	assertCategory(t, rec, CatTLS)
	rec = doStream(context.Background(), newTransport(true), streamRequest{Method: "GET", URL: srv.URL})
	if rec.Status != 200 {
		t.Fatalf("insecure transport: status %d, error %v", rec.Status, rec.Error)
	}
}

func TestInvalidURL(t *testing.T) {
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: "ht tp://bad"})
	assertCategory(t, rec, CatInvalidRequest)
	rec = doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: "ftp://127.0.0.1/"})
	assertCategory(t, rec, CatInvalidRequest)
}

// trickleServer sends headers with contentType, then writes chunks[i] every `every`, flushing each,
// until the chunks run out or the client goes away.
func trickleServer(t *testing.T, contentType string, every time.Duration, chunks ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		fl.Flush()
		for _, c := range chunks {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(every):
			}
			fmt.Fprint(w, c)
			fl.Flush()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// doIdle streams srv with a 600 ms idle timeout (wide enough for a loaded machine's stalls between
// the servers' 25-100 ms writes) and a total timeout far beyond the test's bound.
func doIdle(srv *httptest.Server) (*Record, time.Duration) {
	start := time.Now()
	rec := doStream(context.Background(), plainTransport(), streamRequest{Method: "GET", URL: srv.URL, Timeout: 10 * time.Second, IdleTimeout: 600 * time.Millisecond})
	return rec, time.Since(start)
}

func TestKeepAliveCommentsDoNotResetIdleTimeout(t *testing.T) {
	// 60 pings 50 ms apart (3 s) and no event: the 600 ms idle timeout must fire anyway.
	srv := trickleServer(t, "text/event-stream", 50*time.Millisecond, repeat(": ping\n\n", 60)...)
	rec, took := doIdle(srv)
	assertCategory(t, rec, CatIdleTimeout)
	if took > 2*time.Second {
		t.Errorf("idle timeout fired after %v: the keep-alives kept it alive", took)
	}
}

func TestPartialEventDoesNotResetIdleTimeout(t *testing.T) {
	// One event, then an event's data trickling a byte every 50 ms that never completes.
	srv := trickleServer(t, "text/event-stream", 50*time.Millisecond, append([]string{contentChunk("first"), "data: {"}, repeat("x", 60)...)...)
	rec, took := doIdle(srv)
	assertCategory(t, rec, CatIdleTimeout)
	if took > 2*time.Second || rec.Events != 1 {
		t.Errorf("idle timeout after %v with %d events; want < 2s and the one complete event", took, rec.Events)
	}
}

func TestEachEventResetsIdleTimeout(t *testing.T) {
	// 12 events 100 ms apart with pings between: 1.2 s in all, each gap well inside 600 ms.
	chunks := []string{}
	for i := 0; i < 12; i++ {
		chunks = append(chunks, ": ping\n\n", contentChunk(fmt.Sprint(i)))
	}
	chunks = append(chunks, "data: [DONE]\n\n")
	srv := trickleServer(t, "text/event-stream", 50*time.Millisecond, chunks...)
	rec, _ := doIdle(srv)
	if rec.Error != nil || rec.Events != 13 {
		t.Fatalf("err %v, %d events; want no error and 13 events", rec.Error, rec.Events)
	}
}

func TestBufferedBodyReadsResetIdleTimeout(t *testing.T) {
	// A plain body has no events: bytes arriving every 100 ms for 1.2 s are progress.
	srv := trickleServer(t, "application/json", 100*time.Millisecond, append(repeat(" ", 11), `{"choices":[]}`)...)
	rec, _ := doIdle(srv)
	if rec.Error != nil || rec.E2EMs < 1000 {
		t.Fatalf("err %v, e2e %.1f ms; want no error after > 1 s", rec.Error, rec.E2EMs)
	}
}

// eventReader returns one SSE event per Read, as a socket does when the server flushes each chunk.
type eventReader struct {
	events [][]byte
	i      int
}

func (r *eventReader) Read(p []byte) (int, error) {
	if r.i == len(r.events) {
		return 0, io.EOF
	}
	n := copy(p, r.events[r.i])
	r.i++
	return n, nil
}

// BenchmarkReadBody64Chunks is the relay's own work per 64-chunk stream: reads, framing, decoding, stamps.
func BenchmarkReadBody64Chunks(b *testing.B) {
	var events [][]byte
	for i := 0; i < 64; i++ {
		events = append(events, []byte(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}]}`+"\n\n"))
	}
	events = append(events, []byte("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rec := newRecord()
		rec.SSE, rec.Status = true, 200
		_, cancel := context.WithCancelCause(context.Background())
		readBody(context.Background(), cancel, &eventReader{events: events}, streamRequest{IdleTimeout: time.Minute}, rec, monoNow())
		cancel(nil)
		if rec.Chunks != 64 || rec.Error != nil {
			b.Fatalf("chunks %d error %v", rec.Chunks, rec.Error)
		}
	}
}
