package llm

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"go.k6.io/k6/js/modulestest"
	"go.k6.io/k6/lib"
	"go.k6.io/k6/metrics"
)

type jsEnv struct {
	rt      *modulestest.Runtime
	samples chan metrics.SampleContainer
}

func newJSEnv(t *testing.T, root *RootModule, vuContext bool) *jsEnv {
	t.Helper()
	rt := modulestest.NewRuntime(t)
	mi := root.NewModuleInstance(rt.VU)
	if err := rt.VU.Runtime().Set("llm", mi.Exports().Named); err != nil {
		t.Fatal(err)
	}
	env := &jsEnv{rt: rt, samples: make(chan metrics.SampleContainer, 64)}
	if vuContext {
		registry := metrics.NewRegistry()
		rt.MoveToVUContext(&lib.State{
			Options:        lib.Options{SystemTags: &metrics.DefaultSystemTagSet},
			BuiltinMetrics: metrics.RegisterBuiltinMetrics(registry),
			Transport:      plainTransport(),
			Samples:        env.samples,
			Tags:           lib.NewVUStateTags(registry.RootTagSet().With("scenario", "default")),
			Logger:         rt.VU.InitEnvField.Logger,
		})
	}
	return env
}

func (e *jsEnv) run(t *testing.T, code string) any {
	t.Helper()
	v, err := e.rt.RunOnEventLoop(code)
	if err != nil {
		t.Fatalf("script failed: %v", err)
	}
	return v.Export()
}

func TestStreamFromJSReturnsEventsAndEmitsHTTPMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-Key") != "k" || r.Method != "POST" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "id: 1\nevent: delta\ndata: {\"a\":1}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	env := newJSEnv(t, New(), true)
	got := env.run(t, fmt.Sprintf(`
		const r = llm.stream('post', %q, '{"x":1}', {headers: {'X-API-Key': 'k'}, tags: {model: 'm1'}, timeout: '5s', idleTimeout: 1000});
		JSON.stringify({status: r.status, sse: r.sse, n: r.events.length, first: r.events[0], err: r.error,
			ordered: r.events[0].t <= r.events[1].t && r.timings.headers >= 0 && r.timings.end >= r.events[1].t,
			sentAt: typeof r.timings.sentAt})`, srv.URL))
	s := got.(string)
	for _, want := range []string{`"status":200`, `"sse":true`, `"n":2`, `"event":"delta"`, `"id":"1"`, `"data":"{\"a\":1}"`, `"ordered":true`, `"sentAt":"number"`} {
		if !strings.Contains(s, want) {
			t.Errorf("result %s lacks %s", s, want)
		}
	}
	if strings.Contains(s, `"err"`) {
		t.Errorf("unexpected error in %s", s)
	}

	seen := map[string]map[string]string{}
	close(env.samples)
	for c := range env.samples {
		for _, smp := range c.GetSamples() {
			seen[smp.Metric.Name] = smp.Tags.Map()
		}
	}
	for _, name := range []string{"http_reqs", "http_req_duration", "http_req_waiting", "http_req_failed"} {
		tags, ok := seen[name]
		if !ok {
			t.Errorf("metric %s not emitted (got %v)", name, seen)
			continue
		}
		if tags["model"] != "m1" || tags["method"] != "POST" || tags["status"] != "200" || tags["scenario"] != "default" || tags["expected_response"] != "true" {
			t.Errorf("%s tags %v", name, tags)
		}
	}
}

func TestStreamInInitContextThrowsClearly(t *testing.T) {
	env := newJSEnv(t, New(), false)
	_, err := env.rt.RunOnEventLoop(`llm.stream('GET', 'http://127.0.0.1:1/', null, {})`)
	if err == nil || !strings.Contains(err.Error(), "init context") {
		t.Fatalf("want an init-context error, got %v", err)
	}
}

func TestNetworkErrorsAreValuesUnlessThrowIsAsked(t *testing.T) {
	env := newJSEnv(t, New(), true)
	got := env.run(t, `const r = llm.stream('GET', 'http://127.0.0.1:1/', null); r.error.category + ' ' + r.status`)
	if got != "connection_refused 0" {
		t.Fatalf("got %v", got)
	}
	_, err := env.rt.RunOnEventLoop(`llm.stream('GET', 'http://127.0.0.1:1/', null, {throw: true})`)
	if err == nil || !strings.Contains(err.Error(), "connection_refused") {
		t.Fatalf("want a thrown connection_refused, got %v", err)
	}
}

func TestBadParamsAreNamed(t *testing.T) {
	env := newJSEnv(t, New(), true)
	for code, want := range map[string]string{
		`llm.stream('GET', 'http://127.0.0.1:1/', null, {timeoutt: 1})`:     `unknown param "timeoutt"`,
		`llm.stream('GET', 'http://127.0.0.1:1/', null, {timeout: 'soon'})`: `params.timeout must be a duration`,
		`llm.stream('GET', 'http://127.0.0.1:1/', null, {headers: 'x'})`:    `params.headers must be an object`,
		`llm.stream('GET', 'http://127.0.0.1:1/', {a: 1})`:                  `body must be a string`,
	} {
		_, err := env.rt.RunOnEventLoop(code)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want error containing %q, got %v", code, want, err)
		}
	}
}

func TestCountersAreSharedByEveryVUOfTheProcess(t *testing.T) {
	root := New()
	a, b := newJSEnv(t, root, true), newJSEnv(t, root, true)
	a.run(t, `llm.counterAdd('spend', 1.5)`)
	if got := b.run(t, `llm.counterAdd('spend', 2); llm.counterGet('spend')`); got != 3.5 {
		t.Fatalf("second VU sees %v, want 3.5", got)
	}
	if got := b.run(t, `[llm.counterTryAdd('spend', 1, 4), llm.counterTryAdd('spend', 1, 4)].join()`); got != "false,false" {
		t.Fatalf("tryAdd over the limit: %v", got)
	}
	if got := a.run(t, `llm.counterTryAdd('spend', 0.5, 4)`); got != true {
		t.Fatalf("tryAdd up to the limit: %v", got)
	}
	if _, err := a.rt.RunOnEventLoop(`llm.counterAdd('spend', NaN)`); err == nil {
		t.Fatal("NaN delta accepted")
	}
}

func TestMkdirAllCreatesNestedFolders(t *testing.T) {
	env := newJSEnv(t, New(), false)
	dir := t.TempDir() + "/results/run-1"
	env.run(t, fmt.Sprintf("llm.mkdirAll(%q)", dir))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("%s not created: %v", dir, err)
	}
	if _, err := env.rt.RunOnEventLoop(`llm.mkdirAll('')`); err == nil {
		t.Fatal("empty path accepted")
	}
}

// stallServer sends headers (or, with headersFirst false, nothing) and then holds the request
// until the client gives up.
func stallServer(t *testing.T, headersFirst bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if headersFirst {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTimeoutParamsFromJSAreHonoured(t *testing.T) {
	env := newJSEnv(t, New(), true)
	for _, c := range []struct{ params, want string }{
		// A bare number is milliseconds, as in k6/http: 100 s here would outlast the server's hold.
		{`{timeout: 100}`, "timeout"},
		{`{timeout: '10s', idleTimeout: '100ms'}`, "idle_timeout"},
	} {
		srv := stallServer(t, c.want == "idle_timeout")
		start := time.Now()
		got := env.run(t, fmt.Sprintf(`llm.stream('GET', %q, null, %s).error.category`, srv.URL, c.params))
		if took := time.Since(start); got != c.want || took > 2*time.Second {
			t.Errorf("params %s: category %v after %v, want %s well under 2s", c.params, got, took, c.want)
		}
	}
}
