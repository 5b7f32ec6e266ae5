package main

import (
	"net/http"
	"path/filepath"
)

// mkdir creates a folder for handleSummary, which can write files but not create folders. os.Root
// confines it to -results-root: "..", absolute paths and symlinks out of the root are all refused.
func (s *server) mkdir(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Path string `json:"path"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	switch {
	case body.Path == "":
		writeError(w, http.StatusBadRequest, "path: required")
		return
	case filepath.IsAbs(body.Path):
		writeError(w, http.StatusBadRequest, "path: must be relative to the relay's -results-root")
		return
	}
	if err := s.root.MkdirAll(filepath.Clean(body.Path), 0o755); err != nil {
		writeError(w, http.StatusBadRequest, "path: "+err.Error())
		return
	}
	writeJSON(w, map[string]bool{"ok": true})
}
