package main

import (
	"encoding/json"
	"os"
	"testing"
)

type sseVectorFile struct {
	Cases []struct {
		Name   string   `json:"name"`
		Chunks []string `json:"chunks"`
		Events []struct {
			Event string `json:"event"`
			ID    string `json:"id"`
			Data  string `json:"data"`
		} `json:"events"`
	} `json:"cases"`
}

// parsedEvent is an Event with its data copied out of the parser's buffer.
type parsedEvent struct{ Event, ID, Data string }

func parseAll(chunks [][]byte) []parsedEvent {
	var p Parser
	var got []parsedEvent
	emit := func(e Event) { got = append(got, parsedEvent{e.Event, e.ID, string(e.Data)}) }
	for _, c := range chunks {
		p.Feed(c, emit)
	}
	p.End(emit)
	return got
}

// The same vectors drive the TypeScript parser's tests, so both parsers agree case for case.
func TestParserMatchesSharedVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/sse_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vf sseVectorFile
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	if len(vf.Cases) < 20 {
		t.Fatalf("expected at least 20 vectors, got %d", len(vf.Cases))
	}
	for _, c := range vf.Cases {
		var asGiven, byteByByte [][]byte
		for _, ch := range c.Chunks {
			asGiven = append(asGiven, []byte(ch))
			for i := 0; i < len(ch); i++ {
				byteByByte = append(byteByByte, []byte{ch[i]})
			}
		}
		for mode, chunks := range map[string][][]byte{"as given": asGiven, "byte by byte": byteByByte} {
			got := parseAll(chunks)
			if len(got) != len(c.Events) {
				t.Errorf("%s (%s): got %d events %q, want %d", c.Name, mode, len(got), got, len(c.Events))
				continue
			}
			for i, want := range c.Events {
				if got[i] != (parsedEvent{want.Event, want.ID, want.Data}) {
					t.Errorf("%s (%s): event %d = %+v, want %+v", c.Name, mode, i, got[i], want)
				}
			}
		}
	}
}
