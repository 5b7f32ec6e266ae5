package main

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// apiVersion is the API version of docs/relay.md; a change that breaks a client bumps it.
const apiVersion = 1

// maxCallBytes bounds a call's body: a chat request carries its whole prompt.
const maxCallBytes = 64 << 20

// server holds the relay's state: the sessions, the shared transports and the self-check.
type server struct {
	allow    map[string]bool // origins every session may reach (-allow)
	root     *os.Root        // -results-root, for /v1/mkdir
	selfPID  int             // skipped when looking for the k6 process
	verified http.RoundTripper
	insecure http.RoundTripper
	self     SelfCheck

	notes   Notes
	ledgers Ledgers
	// interrupts counts the SIGINTs the relay saw (with -ignore-sigint): a terminal's Ctrl-C reaches its whole
	// group, so this is how the reports learn that the run was interrupted.
	interrupts atomic.Int64

	mu       sync.Mutex
	sessions map[string]*session
	nextID   int
}

// session is one k6 process's state: the origins it named and its counters.
type session struct {
	targets  map[string]bool
	counters Counters
	k6       *procWatch
}

// newServer builds a relay that may reach allow in every session and create folders under root.
func newServer(allow map[string]bool, root *os.Root) *server {
	return &server{
		allow: allow, root: root, selfPID: os.Getpid(),
		verified: newTransport(false), insecure: newTransport(true),
		sessions: map[string]*session{},
	}
}

// newTransport is shared by every stream: targets are explicit, so no proxy from the environment,
// and as many idle keep-alive connections per host as there are concurrent streams.
func newTransport(insecure bool) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 10000,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		// The body must reach the SSE parser as the server wrote it, not behind a gzip reader's buffer.
		DisableCompression: true,
		// Verification is off only for a request that asks (the run's config says tlsVerify: false).
		TLSClientConfig: &tls.Config{InsecureSkipVerify: insecure},
	}
}

// handler routes the API's endpoints.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", s.health)
	mux.HandleFunc("POST /v1/sessions", s.createSession)
	mux.HandleFunc("POST /v1/counters", s.counters)
	mux.HandleFunc("POST /v1/counters/list", s.listCounters)
	mux.HandleFunc("POST /v1/notes", s.putNote)
	mux.HandleFunc("POST /v1/notes/read", s.readNote)
	mux.HandleFunc("POST /v1/stream", s.stream)
	mux.HandleFunc("GET /v1/selfcheck", s.selfCheck)
	mux.HandleFunc("POST /v1/mkdir", s.mkdir)
	mux.HandleFunc("POST /v1/ledger", s.appendLedger)
	mux.HandleFunc("GET /v1/ledger", s.listLedgers)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no endpoint %s %s (see docs/relay.md)", r.Method, r.URL.Path))
	})
	return mux
}

func (s *server) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{"ok": true, "version": apiVersion, "relay": buildName(), "interrupts": s.interrupts.Load()})
}

func (s *server) createSession(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Targets []string `json:"targets"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	targets, err := originSet(body.Targets, "targets")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	sess := &session{targets: targets, k6: s.findClient(r)}
	s.mu.Lock()
	s.nextID++
	id := "s" + strconv.Itoa(s.nextID)
	s.sessions[id] = sess
	s.mu.Unlock()
	writeJSON(w, map[string]any{"session": id, "version": apiVersion})
}

// findClient starts watching the process on the other end of r's connection, when it is local and visible.
func (s *server) findClient(r *http.Request) *procWatch {
	remote, err := net.ResolveTCPAddr("tcp", r.RemoteAddr)
	if err != nil || !remote.IP.IsLoopback() {
		return nil
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !ok {
		return nil
	}
	pid, ok := socketOwner(remote.Port, local.Port, s.selfPID)
	if !ok {
		return nil
	}
	w, _ := watchProcess(pid)
	return w
}

// lookup finds the named session, answering 400 when it is unknown.
func (s *server) lookup(w http.ResponseWriter, id string) *session {
	s.mu.Lock()
	sess := s.sessions[id]
	s.mu.Unlock()
	if sess == nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("session: unknown session %q (create one with POST /v1/sessions)", id))
	}
	return sess
}

func (s *server) counters(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Session string      `json:"session"`
		Ops     []CounterOp `json:"ops"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	sess := s.lookup(w, body.Session)
	if sess == nil {
		return
	}
	if err := validateOps(body.Ops, "ops"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, sess.counters.Run(body.Ops))
}

// maxListed bounds a counter listing: a report shows the top few, never thousands.
const maxListed = 1000

func (s *server) listCounters(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Session string `json:"session"`
		Prefix  string `json:"prefix"`
		Limit   *int   `json:"limit"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	sess := s.lookup(w, body.Session)
	if sess == nil {
		return
	}
	limit := 100
	if body.Limit != nil {
		limit = *body.Limit
	}
	if limit < 1 || limit > maxListed {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("limit: must be 1 to %d, got %d", maxListed, limit))
		return
	}
	entries, total := sess.counters.List(body.Prefix, limit)
	writeJSON(w, map[string]any{"entries": entries, "total": total})
}

func (s *server) putNote(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Key  string `json:"key"`
		Text string `json:"text"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	switch {
	case body.Key == "" || len(body.Key) > maxNoteKey:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("key: required, at most %d bytes", maxNoteKey))
		return
	case len(body.Text) > maxNoteBytes:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("text: at most %d bytes, got %d", maxNoteBytes, len(body.Text)))
		return
	}
	s.notes.Put(body.Key, body.Text)
	writeJSON(w, map[string]any{"ok": true})
}

func (s *server) readNote(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Key string `json:"key"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	text, ok := s.notes.Get(body.Key)
	if !ok {
		writeJSON(w, map[string]any{"text": nil})
		return
	}
	writeJSON(w, map[string]any{"text": text})
}

// streamCall is the body of POST /v1/stream.
type streamCall struct {
	Session string      `json:"session"`
	Pre     []CounterOp `json:"pre"`
	Request *struct {
		Method        string            `json:"method"`
		URL           string            `json:"url"`
		Headers       map[string]string `json:"headers"`
		Body          *string           `json:"body"`
		TimeoutMs     float64           `json:"timeoutMs"`
		IdleTimeoutMs float64           `json:"idleTimeoutMs"`
		Content       bool              `json:"content"`
		InsecureTLS   bool              `json:"insecureTLS"`
	} `json:"request"`
}

func (s *server) stream(w http.ResponseWriter, r *http.Request) {
	var call streamCall
	if !readJSON(w, r, &call) {
		return
	}
	sess := s.lookup(w, call.Session)
	if sess == nil {
		return
	}
	if err := validateOps(call.Pre, "pre"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	req := call.Request
	switch {
	case req == nil:
		writeError(w, http.StatusBadRequest, "request: required object")
		return
	case req.Method == "":
		writeError(w, http.StatusBadRequest, "request.method: required")
		return
	case req.URL == "":
		writeError(w, http.StatusBadRequest, "request.url: required")
		return
	case req.TimeoutMs < 0 || req.IdleTimeoutMs < 0:
		writeError(w, http.StatusBadRequest, "request.timeoutMs, request.idleTimeoutMs: must not be negative")
		return
	}
	// The target is checked before pre runs, so a refused request never holds a reservation.
	if refused := s.refuse(sess, req.URL); refused != nil {
		rec := newRecord()
		rec.Error = refused
		writeJSON(w, rec)
		return
	}
	s.self.Start()
	var pre *GroupResult
	if call.Pre != nil {
		g := sess.counters.Run(call.Pre)
		pre = &g
		if !g.OK {
			rec := newRecord()
			rec.Pre = pre
			writeJSON(w, rec)
			return
		}
	}
	sr := streamRequest{
		Method: req.Method, URL: req.URL, Header: make(http.Header, len(req.Headers)),
		Timeout:     time.Duration(req.TimeoutMs * float64(time.Millisecond)),
		IdleTimeout: time.Duration(req.IdleTimeoutMs * float64(time.Millisecond)),
		Content:     req.Content,
	}
	for k, v := range req.Headers {
		sr.Header.Set(k, v)
	}
	if req.Body != nil {
		sr.Body = []byte(*req.Body)
	}
	rt := s.verified
	if req.InsecureTLS {
		rt = s.insecure
	}
	rec := doStream(r.Context(), rt, sr)
	rec.Pre = pre
	writeJSON(w, rec)
}

// refuse returns why the relay will not send to rawURL, or nil when the session may reach it.
func (s *server) refuse(sess *session, rawURL string) *StreamError {
	o, err := origin(rawURL)
	if err != nil {
		return &StreamError{CatInvalidRequest, "request.url: " + err.Error()}
	}
	if !sess.targets[o] && !s.allow[o] {
		return &StreamError{CatForbiddenTarget, fmt.Sprintf("%s is not among the session's targets or the relay's -allow origins", o)}
	}
	return nil
}

func (s *server) selfCheck(w http.ResponseWriter, r *http.Request) {
	sess := s.lookup(w, r.URL.Query().Get("session"))
	if sess == nil {
		return
	}
	snap := s.self.Snapshot()
	snap.K6 = sess.k6.snapshot()
	writeJSON(w, snap)
}

// readJSON decodes a call's body into v, answering 400 with the field at fault when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCallBytes)).Decode(v)
	if err == nil {
		return true
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	msg := err.Error()
	switch {
	case errors.Is(err, io.EOF):
		msg = "empty body: want a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		msg = "invalid JSON: the body ends inside a value"
	case errors.As(err, &syntaxErr):
		msg = fmt.Sprintf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		msg = fmt.Sprintf("%s: want %s, got JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)
	case errors.As(err, &typeErr):
		msg = fmt.Sprintf("body: want a JSON object, got JSON %s", typeErr.Value)
	case errors.As(err, &tooBig):
		msg = fmt.Sprintf("body exceeds %d bytes", tooBig.Limit)
	}
	writeError(w, http.StatusBadRequest, msg)
	return false
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
