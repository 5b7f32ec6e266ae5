package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

type chatVectorFile struct {
	Cases []struct {
		Name   string `json:"name"`
		SSE    bool   `json:"sse"`
		Events []struct {
			T    float64 `json:"t"`
			Data string  `json:"data"`
		} `json:"events"`
		Body   string  `json:"body"`
		EndMs  float64 `json:"endMs"`
		Expect struct {
			Chunks         int       `json:"chunks"`
			TTFTMs         float64   `json:"ttftMs"`
			TTFOMs         float64   `json:"ttfoMs"`
			E2EMs          float64   `json:"e2eMs"`
			ITLMs          []float64 `json:"itlMs"`
			Usage          *Usage    `json:"usage"`
			FinishReason   string    `json:"finishReason"`
			SawDone        bool      `json:"sawDone"`
			ContentChars   int       `json:"contentChars"`
			ReasoningChars int       `json:"reasoningChars"`
			Content        string    `json:"content"`
			Error          *string   `json:"error"`
		} `json:"expect"`
	} `json:"cases"`
}

// decodeCase runs the decoder the way readBody does, with the vector's arrival times.
func decodeCase(sse bool, times []float64, data []string, body string, endMs float64) *Record {
	rec := newRecord()
	rec.SSE = sse
	dec := newDecoder(rec, true)
	if !sse {
		dec.body([]byte(body), endMs)
		return rec
	}
	for i := range data {
		if !dec.event(times[i], []byte(data[i])) {
			dec.flushContent()
			return rec
		}
	}
	dec.endSSE()
	return rec
}

// The TypeScript reference runs the same vectors, so the relay and src/llm/chat/analyze.ts agree case for case.
func TestDecoderMatchesSharedChatVectors(t *testing.T) {
	vf := loadChatVectors(t)
	if len(vf.Cases) < 20 {
		t.Fatalf("expected at least 20 vectors, got %d", len(vf.Cases))
	}
	for _, c := range vf.Cases {
		var times []float64
		var data []string
		for _, e := range c.Events {
			times = append(times, e.T)
			data = append(data, e.Data)
		}
		rec := decodeCase(c.SSE, times, data, c.Body, c.EndMs)
		x := c.Expect
		gotErr := ""
		if rec.Error != nil {
			gotErr = rec.Error.Category
		}
		wantErr := ""
		if x.Error != nil {
			wantErr = *x.Error
		}
		if x.ITLMs == nil {
			x.ITLMs = []float64{}
		}
		got := []any{rec.Chunks, rec.TTFTMs, rec.TTFOMs, rec.E2EMs, rec.ITLMs, rec.Usage, rec.FinishReason, rec.SawDone, rec.ContentChars, rec.ReasoningChars, rec.Content, gotErr}
		want := []any{x.Chunks, x.TTFTMs, x.TTFOMs, x.E2EMs, x.ITLMs, x.Usage, x.FinishReason, x.SawDone, x.ContentChars, x.ReasoningChars, x.Content, wantErr}
		names := []string{"chunks", "ttftMs", "ttfoMs", "e2eMs", "itlMs", "usage", "finishReason", "sawDone", "contentChars", "reasoningChars", "content", "error"}
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("%s: %s = %s, want %s", c.Name, names[i], show(got[i]), show(want[i]))
			}
		}
		if c.SSE && rec.Error == nil && rec.Events != len(c.Events) {
			t.Errorf("%s: events = %d, want %d", c.Name, rec.Events, len(c.Events))
		}
	}
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestDecoderKeepsContentOnlyWhenAsked(t *testing.T) {
	rec := newRecord()
	dec := newDecoder(rec, false)
	dec.event(1, []byte(`{"choices":[{"delta":{"content":"secret"},"finish_reason":"stop"}]}`))
	dec.endSSE()
	b, _ := json.Marshal(rec)
	if rec.Content != "" || rec.ContentChars != 6 || json.Valid(b) && contains(string(b), `"content"`) {
		t.Fatalf("content kept without being asked: %s", b)
	}
}

func TestMidStreamErrorMessages(t *testing.T) {
	for data, want := range map[string]string{
		`{"error":{"message":"overloaded"}}`: "platform error mid-stream: overloaded",
		`{"error":"boom"}`:                   "platform error mid-stream: boom",
		`{"error":{"code":500}}`:             "platform error mid-stream: error event in stream",
		`{"error":null}`:                     "platform error mid-stream: error event in stream",
	} {
		rec := newRecord()
		newDecoder(rec, false).event(1, []byte(data))
		if rec.Error == nil || rec.Error.Message != want {
			t.Errorf("%s: error %v, want %q", data, rec.Error, want)
		}
	}
	rec := newRecord()
	newDecoder(rec, false).event(1, []byte("not json at all"))
	if rec.Error == nil || rec.Error.Message != "chunk is not JSON: not json at all" {
		t.Errorf("malformed chunk: %v", rec.Error)
	}
}

// The record's JSON names are the typings' (src/llm/transport/relay-record.ts), optional fields absent when empty.
func TestRecordJSONShape(t *testing.T) {
	b, err := json.Marshal(newRecord())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"sent":false,"status":0,"proto":"","headers":{},"sse":false,"sentAtMs":null,"ttfbMs":-1,"ttftMs":-1,"ttfoMs":-1,"e2eMs":-1,"endMs":-1,"itlMs":[],"events":0,"chunks":0,"usage":null,"finishReason":"","sawDone":false,"contentChars":0,"reasoningChars":0}`
	if string(b) != want {
		t.Fatalf("empty record\n got %s\nwant %s", b, want)
	}
}

func BenchmarkDecodeChunk(b *testing.B) {
	data := []byte(`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}]}`)
	rec := newRecord()
	dec := newDecoder(rec, false)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dec.event(float64(i), data)
		if len(rec.ITLMs) > 1024 {
			rec.ITLMs = rec.ITLMs[:0]
		}
	}
}
