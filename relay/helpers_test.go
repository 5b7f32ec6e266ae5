package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// loadChatVectors reads the chat vectors shared with the TypeScript reference decoder.
func loadChatVectors(t *testing.T) chatVectorFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/chat_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vf chatVectorFile
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	return vf
}
