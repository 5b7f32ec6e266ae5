package main

import "sync"

// Limits of the note store: a note is one short message, and the store never grows without bound.
const (
	maxNotes     = 256
	maxNoteKey   = 512
	maxNoteBytes = 8 << 10
)

// Notes hold short texts by a key the client chooses, outside any session. setup() leaves its error there
// (under the run's instance key) because when it fails, handleSummary gets no setup data, so no session id.
type Notes struct {
	mu    sync.Mutex
	texts map[string]string
	order []string // insertion order, oldest first, for eviction
}

// Put stores text under key, replacing an earlier note; the oldest note goes when the store is full.
func (n *Notes) Put(key, text string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.texts == nil {
		n.texts = map[string]string{}
	}
	if _, ok := n.texts[key]; !ok {
		if len(n.order) >= maxNotes {
			delete(n.texts, n.order[0])
			n.order = n.order[1:]
		}
		n.order = append(n.order, key)
	}
	n.texts[key] = text
}

// Get returns the note under key and whether there is one.
func (n *Notes) Get(key string) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	t, ok := n.texts[key]
	return t, ok
}
