package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// testRelay is a relay on an httptest server, with its results root.
type testRelay struct {
	*httptest.Server
	root string
}

func newTestServer(t *testing.T, allow []string) *testRelay {
	t.Helper()
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = root.Close() })
	set, err := originSet(allow, "-allow")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newServer(set, root).handler())
	t.Cleanup(srv.Close)
	return &testRelay{srv, dir}
}

// call posts body (marshalled unless it is a string) and decodes the answer, checking its status.
func call(t *testing.T, url string, body any, wantStatus int, out any) string {
	t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return answer(t, resp, wantStatus, out)
}

func getJSON(t *testing.T, url string, wantStatus int, out any) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return answer(t, resp, wantStatus, out)
}

func answer(t *testing.T, resp *http.Response, wantStatus int, out any) string {
	t.Helper()
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, wantStatus, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("answer %s: %v", b, err)
		}
	}
	return string(b)
}

func createSession(t *testing.T, s *testRelay, targets []string) string {
	t.Helper()
	var out struct {
		Session string `json:"session"`
		Version int    `json:"version"`
	}
	call(t, s.URL+"/v1/sessions", map[string]any{"targets": targets}, http.StatusOK, &out)
	if out.Session == "" || out.Version != apiVersion {
		t.Fatalf("session answer %+v", out)
	}
	return out.Session
}

// countingTarget is a chat target that counts the requests it received.
func countingTarget(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, contentChunk("hi")+"data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func streamBody(session, url string, pre []map[string]any) map[string]any {
	b := map[string]any{"session": session, "request": map[string]any{
		"method": "POST", "url": url + "/v1/chat/completions", "headers": map[string]string{"Content-Type": "application/json"},
		"body": "{}", "timeoutMs": 10000, "idleTimeoutMs": 0, "content": true,
	}}
	if pre != nil {
		b["pre"] = pre
	}
	return b
}

func TestHealth(t *testing.T) {
	s := newTestServer(t, nil)
	var out struct {
		OK      bool   `json:"ok"`
		Version int    `json:"version"`
		Relay   string `json:"relay"`
	}
	getJSON(t, s.URL+"/v1/health", http.StatusOK, &out)
	if !out.OK || out.Version != 1 || out.Relay == "" {
		t.Fatalf("health %+v", out)
	}
}

func TestOriginNormalisation(t *testing.T) {
	for in, want := range map[string]string{
		"http://LocalHost":                          "http://localhost:80",
		"https://api.example.com/v1/chat":           "https://api.example.com:443",
		"http://127.0.0.1:8080/v1/chat/completions": "http://127.0.0.1:8080",
		"HTTPS://[::1]:8443":                        "https://[::1]:8443",
	} {
		if got, err := origin(in); err != nil || got != want {
			t.Errorf("origin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"127.0.0.1:8080", "ftp://x", "http://", "://"} {
		if _, err := origin(bad); err == nil {
			t.Errorf("origin(%q) accepted", bad)
		}
	}
}

func TestSessionTargetsAreValidated(t *testing.T) {
	s := newTestServer(t, nil)
	msg := call(t, s.URL+"/v1/sessions", `{"targets":["http://ok:1","ftp://nope"]}`, http.StatusBadRequest, nil)
	if !strings.Contains(msg, "targets[1]") {
		t.Fatalf("error %s does not name targets[1]", msg)
	}
	if a, b := createSession(t, s, nil), createSession(t, s, nil); a == b {
		t.Fatalf("two sessions share id %s", a)
	}
}

func TestBadCallsNameTheField(t *testing.T) {
	s := newTestServer(t, nil)
	id := createSession(t, s, nil)
	for _, tc := range []struct{ path, body, want string }{
		{"/v1/counters", `{"session":"` + id + `","ops":[{"op":"add","key":"k","delta":"1"}]}`, "ops.delta"},
		{"/v1/counters", `{"session":"` + id + `","ops":[{"op":"add","key":"k"}]}`, "ops[0].delta"},
		{"/v1/counters", `{"session":"` + id + `","ops":[{"op":"add","key":"k","delta":1e999}]}`, "ops.delta"},
		{"/v1/counters", `{"session":"nope","ops":[]}`, `unknown session "nope"`},
		{"/v1/counters", `{"session":`, "invalid JSON"},
		{"/v1/counters", ``, "empty body"},
		{"/v1/counters", `[1]`, "want a JSON object"},
		{"/v1/stream", `{"session":"` + id + `"}`, "request: required"},
		{"/v1/stream", `{"session":"` + id + `","request":{"method":"POST"}}`, "request.url: required"},
		{"/v1/stream", `{"session":"` + id + `","request":{"method":"POST","url":"http://x","timeoutMs":"5"}}`, "request.timeoutMs"},
		{"/v1/stream", `{"session":"` + id + `","pre":[{"op":"tryAdd","key":"k","delta":1}],"request":{"method":"POST","url":"http://x"}}`, "pre[0].limit"},
		{"/v1/sessions", `{"targets":"http://x"}`, "targets"},
	} {
		var out struct {
			Error string `json:"error"`
		}
		call(t, s.URL+tc.path, tc.body, http.StatusBadRequest, &out)
		if !strings.Contains(out.Error, tc.want) {
			t.Errorf("%s %s: error %q lacks %q", tc.path, tc.body, out.Error, tc.want)
		}
	}
	getJSON(t, s.URL+"/v1/selfcheck?session=s999", http.StatusBadRequest, nil)
	getJSON(t, s.URL+"/v1/nothing", http.StatusNotFound, nil)
}

func TestCounterGroupsOverHTTP(t *testing.T) {
	s := newTestServer(t, nil)
	id := createSession(t, s, nil)
	other := createSession(t, s, nil)
	var g GroupResult
	call(t, s.URL+"/v1/counters", map[string]any{"session": id, "ops": []map[string]any{
		{"op": "add", "key": "spend", "delta": 0.25}, {"op": "tryAdd", "key": "reserved", "delta": 2, "limit": 3},
	}}, http.StatusOK, &g)
	if !g.OK || g.Failed != -1 || len(g.Values) != 2 || g.Values[0] != 0.25 {
		t.Fatalf("group %+v", g)
	}
	call(t, s.URL+"/v1/counters", map[string]any{"session": id, "ops": []map[string]any{
		{"op": "add", "key": "spend", "delta": 1}, {"op": "tryAdd", "key": "reserved", "delta": 2, "limit": 3}, {"op": "get", "key": "spend"},
	}}, http.StatusOK, &g)
	if g.OK || g.Failed != 1 || len(g.Values) != 2 || g.Values[0] != 1.25 || g.Values[1] != 2 {
		t.Fatalf("failing group %+v", g)
	}
	call(t, s.URL+"/v1/counters", map[string]any{"session": id, "ops": []map[string]any{{"op": "get", "key": "spend"}}}, http.StatusOK, &g)
	if g.Values[0] != 0.25 {
		t.Fatalf("spend %v after the rollback, want 0.25", g.Values[0])
	}
	call(t, s.URL+"/v1/counters", map[string]any{"session": other, "ops": []map[string]any{{"op": "get", "key": "spend"}}}, http.StatusOK, &g)
	if g.Values[0] != 0 {
		t.Fatalf("another session sees spend %v", g.Values[0])
	}
}

func TestConcurrentTryAddNeverExceedsTheLimit(t *testing.T) {
	s := newTestServer(t, nil)
	id := createSession(t, s, nil)
	const workers, each, limit = 200, 5, 333
	var won atomic.Int64
	var wg sync.WaitGroup
	body, _ := json.Marshal(map[string]any{"session": id, "ops": []map[string]any{{"op": "tryAdd", "key": "budget", "delta": 1, "limit": limit}}})
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				resp, err := http.Post(s.URL+"/v1/counters", "application/json", bytes.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				var g GroupResult
				err = json.NewDecoder(resp.Body).Decode(&g)
				_ = resp.Body.Close()
				if err != nil {
					t.Error(err)
					return
				}
				if g.Values[0] > limit {
					t.Errorf("counter reached %v", g.Values[0])
				}
				if g.OK {
					won.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	var g GroupResult
	call(t, s.URL+"/v1/counters", map[string]any{"session": id, "ops": []map[string]any{{"op": "get", "key": "budget"}}}, http.StatusOK, &g)
	if won.Load() != limit || g.Values[0] != limit {
		t.Fatalf("won %d, budget %v; want exactly %d", won.Load(), g.Values[0], limit)
	}
}

func TestStreamThroughTheRelay(t *testing.T) {
	target, hits := countingTarget(t)
	s := newTestServer(t, nil)
	id := createSession(t, s, []string{target.URL})
	var rec Record
	raw := call(t, s.URL+"/v1/stream", streamBody(id, target.URL, []map[string]any{{"op": "tryAdd", "key": "tickets", "delta": 1, "limit": 1}}), http.StatusOK, &rec)
	if !rec.Sent || rec.Status != 200 || rec.Content != "hi" || rec.Pre == nil || !rec.Pre.OK || hits.Load() != 1 || rec.Error != nil {
		t.Fatalf("record %s", raw)
	}
	for _, absent := range []string{`"body"`, `"error"`} {
		if strings.Contains(raw, absent) {
			t.Errorf("record carries %s: %s", absent, raw)
		}
	}
	// The ticket is taken: the next call's pre fails, and the target sees nothing.
	raw = call(t, s.URL+"/v1/stream", streamBody(id, target.URL, []map[string]any{{"op": "tryAdd", "key": "tickets", "delta": 1, "limit": 1}}), http.StatusOK, &rec)
	if rec.Sent || rec.Pre == nil || rec.Pre.OK || rec.Pre.Failed != 0 || rec.Status != 0 || rec.Error != nil || hits.Load() != 1 {
		t.Fatalf("pre failure: %s (target hits %d)", raw, hits.Load())
	}
	var snap SelfCheckSnapshot
	getJSON(t, s.URL+"/v1/selfcheck?session="+id, http.StatusOK, &snap)
	if !snap.Started || snap.GOMAXPROCS < 1 || snap.LagIntervalMs != 10 {
		t.Fatalf("self-check after a stream call: %+v", snap)
	}
}

func TestForbiddenTargetSendsNothing(t *testing.T) {
	target, hits := countingTarget(t)
	s := newTestServer(t, nil)
	id := createSession(t, s, []string{"http://127.0.0.1:1"})
	var rec Record
	raw := call(t, s.URL+"/v1/stream", streamBody(id, target.URL, []map[string]any{{"op": "add", "key": "reserved", "delta": 5}}), http.StatusOK, &rec)
	if rec.Sent || rec.Error == nil || rec.Error.Category != CatForbiddenTarget || rec.Pre != nil || hits.Load() != 0 {
		t.Fatalf("forbidden target: %s (target hits %d)", raw, hits.Load())
	}
	var g GroupResult
	call(t, s.URL+"/v1/counters", map[string]any{"session": id, "ops": []map[string]any{{"op": "get", "key": "reserved"}}}, http.StatusOK, &g)
	if g.Values[0] != 0 {
		t.Fatalf("pre ran for a refused target: reserved %v", g.Values[0])
	}
	raw = call(t, s.URL+"/v1/stream", streamBody(id, "not a url", nil), http.StatusOK, &rec)
	if rec.Sent || rec.Error == nil || rec.Error.Category != CatInvalidRequest {
		t.Fatalf("invalid url: %s", raw)
	}
}

func TestAllowFlagAdmitsAnOrigin(t *testing.T) {
	target, hits := countingTarget(t)
	s := newTestServer(t, []string{target.URL})
	id := createSession(t, s, nil)
	var rec Record
	call(t, s.URL+"/v1/stream", streamBody(id, target.URL, nil), http.StatusOK, &rec)
	if !rec.Sent || rec.Status != 200 || hits.Load() != 1 {
		t.Fatalf("record %+v", rec)
	}
}

func TestMkdirStaysUnderTheResultsRoot(t *testing.T) {
	s := newTestServer(t, nil)
	call(t, s.URL+"/v1/mkdir", map[string]string{"path": "results/run-1/deep"}, http.StatusOK, nil)
	if fi, err := os.Stat(filepath.Join(s.root, "results", "run-1", "deep")); err != nil || !fi.IsDir() {
		t.Fatalf("folder not created: %v", err)
	}
	outside := filepath.Join(filepath.Dir(s.root), "escaped-"+filepath.Base(s.root))
	for _, p := range []string{"../escaped-" + filepath.Base(s.root), "results/../../x", outside, ""} {
		call(t, s.URL+"/v1/mkdir", map[string]string{"path": p}, http.StatusBadRequest, nil)
	}
	if err := os.Symlink(filepath.Dir(s.root), filepath.Join(s.root, "link")); err == nil {
		call(t, s.URL+"/v1/mkdir", map[string]string{"path": "link/escaped"}, http.StatusBadRequest, nil)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("mkdir escaped the results root")
	}
}

func TestLedgerAppendsLinesUnderTheResultsRootAndListsItsFiles(t *testing.T) {
	s := newTestServer(t, nil)
	path := "results/run-1/ledger.jsonl"
	call(t, s.URL+"/v1/ledger", map[string]any{"path": path, "lines": []string{`{"kind":"org","id":"o1"}`}}, http.StatusOK, nil)
	call(t, s.URL+"/v1/ledger", map[string]any{"path": path, "lines": []string{`{"kind":"user","id":"u1"}`, `{"kind":"key","id":"k1"}`}}, http.StatusOK, nil)
	got, err := os.ReadFile(filepath.Join(s.root, path))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\"kind\":\"org\",\"id\":\"o1\"}\n{\"kind\":\"user\",\"id\":\"u1\"}\n{\"kind\":\"key\",\"id\":\"k1\"}\n"; string(got) != want {
		t.Fatalf("ledger %q, want %q", got, want)
	}
	var listed struct {
		Paths []string `json:"paths"`
	}
	getJSON(t, s.URL+"/v1/ledger", http.StatusOK, &listed)
	if len(listed.Paths) != 1 || listed.Paths[0] != path {
		t.Fatalf("listed %v", listed.Paths)
	}
	for _, bad := range []map[string]any{
		{"path": "../x.jsonl", "lines": []string{"a"}},
		{"path": "results/x.txt", "lines": []string{"a"}},
		{"path": "/tmp/x.jsonl", "lines": []string{"a"}},
		{"path": path, "lines": []string{"two\nlines"}},
		{"path": path, "lines": []string{}},
	} {
		call(t, s.URL+"/v1/ledger", bad, http.StatusBadRequest, nil)
	}
}

func TestListenMustBeLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8391": true, "127.0.0.1:0": true, "[::1]:0": true, "localhost:8391": true,
		"0.0.0.0:8391": false, ":8391": false, "10.0.0.5:8391": false, "example.com:80": false,
	} {
		if err := checkListen(addr, false); (err == nil) != ok {
			t.Errorf("checkListen(%q) = %v", addr, err)
		}
		if err := checkListen(addr, true); err != nil {
			t.Errorf("checkListen(%q, allowRemote) = %v", addr, err)
		}
	}
	var out bytes.Buffer
	if err := run([]string{"-listen", "0.0.0.0:0"}, &out); err == nil || !strings.Contains(err.Error(), "-allow-remote") {
		t.Fatalf("run on 0.0.0.0: %v", err)
	}
}

func TestCounterListingIsLargestFirstAndBounded(t *testing.T) {
	s := newTestServer(t, nil)
	id := createSession(t, s, nil)
	other := createSession(t, s, nil)
	call(t, s.URL+"/v1/counters", map[string]any{"session": id, "ops": []map[string]any{
		{"op": "add", "key": "err:timeout", "delta": 2}, {"op": "add", "key": "err:http_5xx", "delta": 7},
		{"op": "add", "key": "err:dns", "delta": 2}, {"op": "add", "key": "run:requests", "delta": 40},
	}}, http.StatusOK, nil)
	var out struct {
		Entries []CounterEntry `json:"entries"`
		Total   int            `json:"total"`
	}
	call(t, s.URL+"/v1/counters/list", map[string]any{"session": id, "prefix": "err:", "limit": 2}, http.StatusOK, &out)
	want := []CounterEntry{{"err:http_5xx", 7}, {"err:dns", 2}}
	if out.Total != 3 || len(out.Entries) != 2 || out.Entries[0] != want[0] || out.Entries[1] != want[1] {
		t.Fatalf("listing %+v, want %v of 3", out, want)
	}
	call(t, s.URL+"/v1/counters/list", map[string]any{"session": other, "prefix": "err:"}, http.StatusOK, &out)
	if out.Total != 0 || len(out.Entries) != 0 {
		t.Fatalf("another session lists %+v", out)
	}
	call(t, s.URL+"/v1/counters/list", map[string]any{"session": id, "prefix": "err:", "limit": 0}, http.StatusBadRequest, nil)
}

func TestNotesOutliveSessionsAndStayBounded(t *testing.T) {
	s := newTestServer(t, nil)
	var got struct {
		Text *string `json:"text"`
	}
	call(t, s.URL+"/v1/notes/read", map[string]any{"key": "setup:run-1"}, http.StatusOK, &got)
	if got.Text != nil {
		t.Fatalf("an unknown note reads %q", *got.Text)
	}
	call(t, s.URL+"/v1/notes", map[string]any{"key": "setup:run-1", "text": "admin login failed: HTTP 401"}, http.StatusOK, nil)
	call(t, s.URL+"/v1/notes/read", map[string]any{"key": "setup:run-1"}, http.StatusOK, &got)
	if got.Text == nil || *got.Text != "admin login failed: HTTP 401" {
		t.Fatalf("note %v", got.Text)
	}
	for i := 0; i < maxNotes; i++ {
		call(t, s.URL+"/v1/notes", map[string]any{"key": fmt.Sprintf("k%d", i), "text": "x"}, http.StatusOK, nil)
	}
	call(t, s.URL+"/v1/notes/read", map[string]any{"key": "setup:run-1"}, http.StatusOK, &got)
	if got.Text != nil {
		t.Fatalf("the oldest note survived %d newer ones", maxNotes)
	}
	call(t, s.URL+"/v1/notes", map[string]any{"key": "big", "text": strings.Repeat("x", maxNoteBytes+1)}, http.StatusBadRequest, nil)
	call(t, s.URL+"/v1/notes", map[string]any{"key": "", "text": "x"}, http.StatusBadRequest, nil)
}
