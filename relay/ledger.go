package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Limits of one ledger call: a batch of tenants' ids, never a stream of data.
const (
	maxLedgerLines    = 1000
	maxLedgerLineSize = 4 << 10
)

// Ledgers is the cleanup ledgers this relay appended to, in first-write order, so that the wrapper that
// started it can find them when k6 is gone (GET /v1/ledger).
type Ledgers struct {
	mu    sync.Mutex
	paths []string
	seen  map[string]bool
}

func (l *Ledgers) add(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if !l.seen[path] {
		l.seen[path] = true
		l.paths = append(l.paths, path)
	}
}

func (l *Ledgers) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string{}, l.paths...)
}

// appendLedger appends lines to a cleanup ledger (a .jsonl file under -results-root, its folder made as
// needed): k6 cannot write a file as tenants are created, and a ledger must survive k6 being killed.
func (s *server) appendLedger(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Path  string   `json:"path"`
		Lines []string `json:"lines"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	switch {
	case body.Path == "" || filepath.IsAbs(body.Path) || !strings.HasSuffix(body.Path, ".jsonl"):
		writeError(w, http.StatusBadRequest, "path: a relative path under -results-root ending in .jsonl")
		return
	case len(body.Lines) == 0 || len(body.Lines) > maxLedgerLines:
		writeError(w, http.StatusBadRequest, "lines: 1 to 1000 lines")
		return
	}
	var text strings.Builder
	for i, line := range body.Lines {
		if line == "" || len(line) > maxLedgerLineSize || strings.ContainsAny(line, "\r\n") {
			writeError(w, http.StatusBadRequest, "lines["+strconv.Itoa(i)+"]: one non-empty line of at most 4 KiB")
			return
		}
		text.WriteString(line)
		text.WriteByte('\n')
	}
	path := filepath.Clean(body.Path)
	if err := s.root.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		writeError(w, http.StatusBadRequest, "path: "+err.Error())
		return
	}
	f, err := s.root.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		writeError(w, http.StatusBadRequest, "path: "+err.Error())
		return
	}
	// One write per call, so a ledger line is never split by another call's.
	_, werr := f.WriteString(text.String())
	cerr := f.Close()
	if werr != nil || cerr != nil {
		writeError(w, http.StatusInternalServerError, "write failed")
		return
	}
	s.ledgers.add(path)
	writeJSON(w, map[string]bool{"ok": true})
}

// listLedgers names the ledgers appended to since the relay started.
func (s *server) listLedgers(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string][]string{"paths": s.ledgers.list()})
}
