package llm

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"go.k6.io/k6/lib"
	"go.k6.io/k6/lib/netext"
	"go.k6.io/k6/lib/types"
)

func plainTransport() *http.Transport {
	return &http.Transport{DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
}

// sseServer streams n events with the given gap and returns when each was written (ns since handler start).
func sseServer(t *testing.T, n int, gap time.Duration, written chan<- time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		fl.Flush()
		start := time.Now()
		for i := 0; i < n; i++ {
			time.Sleep(time.Until(start.Add(time.Duration(i+1) * gap)))
			fmt.Fprintf(w, "data: {\"i\":%d}\n\n", i)
			fl.Flush()
			if written != nil {
				written <- time.Since(start)
			}
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestStreamStampsEventsAsTheyArrive(t *testing.T) {
	const n = 10
	gap := 15 * time.Millisecond
	written := make(chan time.Duration, n)
	srv := sseServer(t, n, gap, written)

	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: srv.URL, Timeout: 10 * time.Second})
	if res.Err != nil {
		t.Fatalf("unexpected error: %v", res.Err)
	}
	if !res.SSE || res.Status != 200 || len(res.Events) != n+1 {
		t.Fatalf("sse=%v status=%d events=%d", res.SSE, res.Status, len(res.Events))
	}
	var serverAt []time.Duration
	for i := 0; i < n; i++ {
		serverAt = append(serverAt, <-written)
	}
	var errs []float64
	for i := 1; i < n; i++ {
		clientGap := time.Duration(res.Events[i].T - res.Events[i-1].T)
		serverGap := serverAt[i] - serverAt[i-1]
		d := (clientGap - serverGap).Seconds() * 1000
		if d < 0 {
			d = -d
		}
		errs = append(errs, d)
	}
	sort.Float64s(errs)
	if med := errs[len(errs)/2]; med > 1 {
		t.Errorf("median gap error %.3f ms, want <= 1 ms (errors %v)", med, errs)
	}
	if res.Timings.Headers < 0 || res.Timings.FirstByte < 0 || res.Timings.End < res.Events[n].T {
		t.Errorf("timings not ordered: %+v, last event at %d", res.Timings, res.Events[n].T)
	}
	if res.Events[n].Data != "[DONE]" {
		t.Errorf("last event %q, want [DONE]", res.Events[n].Data)
	}
}

func TestNonSSEResponseReturnsBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":"slow down","code":"RATE_LIMIT_EXCEEDED"}`)
	}))
	defer srv.Close()
	res := Do(context.Background(), plainTransport(), Request{Method: "POST", URL: srv.URL, Body: []byte("{}")})
	if res.Err != nil || res.SSE || res.Status != 429 || len(res.Events) != 0 {
		t.Fatalf("got err=%v sse=%v status=%d events=%d", res.Err, res.SSE, res.Status, len(res.Events))
	}
	if string(res.Body) != `{"error":"slow down","code":"RATE_LIMIT_EXCEEDED"}` {
		t.Errorf("body %q", res.Body)
	}
}

func TestBufferedBodyIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, 4096))
	}))
	defer srv.Close()
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: srv.URL, MaxBodyBytes: 1000})
	assertCategory(t, res, CatInvalidResponse)
}

func assertCategory(t *testing.T, res *Result, want string) {
	t.Helper()
	if res.Err == nil {
		t.Fatalf("expected a %s error, got none (status %d)", want, res.Status)
	}
	if res.Err.Category != want {
		t.Fatalf("category %q (%s), want %q", res.Err.Category, res.Err.Message, want)
	}
}

func TestIdleTimeoutBetweenEvents(t *testing.T) {
	srv := sseServer(t, 3, 400*time.Millisecond, nil)
	start := time.Now()
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: srv.URL, Timeout: 10 * time.Second, IdleTimeout: 100 * time.Millisecond})
	assertCategory(t, res, CatIdleTimeout)
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
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: srv.URL, Timeout: 150 * time.Millisecond})
	assertCategory(t, res, CatTimeout)
	if res.Timings.Headers != -1 {
		t.Errorf("headers timing %d for a request that never got headers", res.Timings.Headers)
	}
}

func TestTotalTimeoutDuringStream(t *testing.T) {
	srv := sseServer(t, 20, 50*time.Millisecond, nil)
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: srv.URL, Timeout: 200 * time.Millisecond})
	assertCategory(t, res, CatTimeout)
	if len(res.Events) == 0 {
		t.Error("events received before the timeout were lost")
	}
}

func TestCancelledContextIsAborted(t *testing.T) {
	srv := sseServer(t, 20, 50*time.Millisecond, nil)
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(120*time.Millisecond, func() { cancel(errors.New("test aborted")) })
	start := time.Now()
	res := Do(ctx, plainTransport(), Request{Method: "GET", URL: srv.URL})
	assertCategory(t, res, CatAborted)
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
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: "http://" + addr + "/"})
	assertCategory(t, res, CatConnectionRefused)
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
	res := Do(context.Background(), plainTransport(), Request{Method: "POST", URL: srv.URL, Body: []byte("{}")})
	assertCategory(t, res, CatConnectionReset)
}

func TestResetMidStreamIsAnInterruption(t *testing.T) {
	srv := hijackServer(t, func(c net.Conn) {
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
		chunk := "data: {\"i\":0}\n\n"
		fmt.Fprintf(c, "%x\r\n%s\r\n", len(chunk), chunk)
		time.Sleep(20 * time.Millisecond)
		fmt.Fprintf(c, "%x\r\ndata: {\"half", 30)
		time.Sleep(20 * time.Millisecond)
		resetConn(c)
	})
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: srv.URL})
	assertCategory(t, res, CatStreamInterrupted)
	if len(res.Events) != 1 || res.Events[0].Data != `{"i":0}` {
		t.Errorf("want the one complete event and not the half one, got %+v", res.Events)
	}
}

func TestDNSFailureCategory(t *testing.T) {
	// No resolver is queried: the dialer fails the way a failed lookup does, so the test stays off the network.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "llm.invalid", IsNotFound: true}}
	}}
	res := Do(context.Background(), tr, Request{Method: "GET", URL: "http://llm.invalid/"})
	assertCategory(t, res, CatDNS)
}

func TestUntrustedCertificateIsTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	tr := plainTransport()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	res := Do(context.Background(), tr, Request{Method: "GET", URL: srv.URL})
	assertCategory(t, res, CatTLS)
}

func TestInvalidURL(t *testing.T) {
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: "ht tp://bad"})
	assertCategory(t, res, CatInvalidRequest)
	res = Do(context.Background(), plainTransport(), Request{Method: "GET", URL: "ftp://127.0.0.1/"})
	assertCategory(t, res, CatInvalidRequest)
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
func doIdle(srv *httptest.Server) (*Result, time.Duration) {
	start := time.Now()
	res := Do(context.Background(), plainTransport(), Request{Method: "GET", URL: srv.URL, Timeout: 10 * time.Second, IdleTimeout: 600 * time.Millisecond})
	return res, time.Since(start)
}

func TestKeepAliveCommentsDoNotResetIdleTimeout(t *testing.T) {
	// 60 pings 50 ms apart (3 s) and no event: the 600 ms idle timeout must fire anyway.
	srv := trickleServer(t, "text/event-stream", 50*time.Millisecond, repeat(": ping\n\n", 60)...)
	res, took := doIdle(srv)
	assertCategory(t, res, CatIdleTimeout)
	if took > 2*time.Second {
		t.Errorf("idle timeout fired after %v: the keep-alives kept it alive", took)
	}
}

func TestPartialEventDoesNotResetIdleTimeout(t *testing.T) {
	// One event, then an event's data trickling a byte every 50 ms that never completes.
	srv := trickleServer(t, "text/event-stream", 50*time.Millisecond, append([]string{"data: first\n\n", "data: {"}, repeat("x", 60)...)...)
	res, took := doIdle(srv)
	assertCategory(t, res, CatIdleTimeout)
	if took > 2*time.Second || len(res.Events) != 1 {
		t.Errorf("idle timeout after %v with %d events; want < 2s and the one complete event", took, len(res.Events))
	}
}

func TestEachEventResetsIdleTimeout(t *testing.T) {
	// 12 events 100 ms apart with pings between: 1.2 s in all, each gap well inside 600 ms.
	chunks := []string{}
	for i := 0; i < 12; i++ {
		chunks = append(chunks, ": ping\n\n", fmt.Sprintf("data: %d\n\n", i))
	}
	srv := trickleServer(t, "text/event-stream", 50*time.Millisecond, chunks...)
	res, _ := doIdle(srv)
	if res.Err != nil || len(res.Events) != 12 {
		t.Fatalf("err %v, %d events; want no error and 12 events", res.Err, len(res.Events))
	}
}

func TestBufferedBodyReadsResetIdleTimeout(t *testing.T) {
	// A plain body has no events: bytes arriving every 100 ms for 1.2 s are progress.
	srv := trickleServer(t, "application/json", 100*time.Millisecond, repeat(" ", 12)...)
	res, _ := doIdle(srv)
	if res.Err != nil || len(res.Body) != 12 {
		t.Fatalf("err %v, body %d bytes; want no error and 12 bytes", res.Err, len(res.Body))
	}
}

// stubResolver answers lookups from a map; a missing name resolves to nothing, as k6's resolver
// does when its DNS policy (e.g. --dns policy=onlyIPv6) filters out every address.
type stubResolver map[string]net.IP

func (s stubResolver) LookupIP(host string) (net.IP, error) { return s[host], nil }

// k6Transport dials through k6's own dialer, as a VU's transport does.
func k6Transport(d *netext.Dialer) *http.Transport {
	return &http.Transport{DialContext: d.DialContext}
}

func TestK6DialerRefusalsAreDNS(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	loopback := net.ParseIP("127.0.0.1")

	plain := netext.NewDialer(net.Dialer{Timeout: time.Second}, stubResolver{"ok.test": loopback})
	res := Do(context.Background(), k6Transport(plain), Request{Method: "GET", URL: fmt.Sprintf("http://ok.test:%d/", port)})
	if res.Err != nil || res.Status != 200 {
		t.Fatalf("control request through k6's dialer: err %v status %d", res.Err, res.Status)
	}
	res = Do(context.Background(), k6Transport(plain), Request{Method: "GET", URL: fmt.Sprintf("http://filtered.test:%d/", port)})
	assertRefusal(t, res, "lookup filtered.test: no such host")

	blocked := netext.NewDialer(net.Dialer{Timeout: time.Second}, stubResolver{"api.blocked.test": loopback})
	trie, err := types.NewHostnameTrie([]string{"*.blocked.test"})
	if err != nil {
		t.Fatal(err)
	}
	blocked.BlockedHostnames = trie
	res = Do(context.Background(), k6Transport(blocked), Request{Method: "GET", URL: fmt.Sprintf("http://api.blocked.test:%d/", port)})
	assertRefusal(t, res, "is in a blocked pattern")

	blacklisted := netext.NewDialer(net.Dialer{Timeout: time.Second}, stubResolver{"ok.test": loopback})
	ipnet, err := lib.ParseCIDR("127.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	blacklisted.Blacklist = []*lib.IPNet{ipnet}
	res = Do(context.Background(), k6Transport(blacklisted), Request{Method: "GET", URL: fmt.Sprintf("http://ok.test:%d/", port)})
	assertRefusal(t, res, "is in a blacklisted range")
}

// assertRefusal checks a dns error whose message shows which of k6's refusals produced it.
func assertRefusal(t *testing.T, res *Result, detail string) {
	t.Helper()
	assertCategory(t, res, CatDNS)
	if !strings.Contains(res.Err.Message, detail) {
		t.Errorf("message %q lacks %q", res.Err.Message, detail)
	}
}
