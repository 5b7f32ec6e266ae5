package main

// Record is one chat request's StreamRecord (src/llm/transport/relay-record.ts): times are ms since the
// request was written, on the relay's monotonic clock, and -1 where the request never got there.
type Record struct {
	V            int               `json:"v"`
	Sent         bool              `json:"sent"`
	Pre          *GroupResult      `json:"pre,omitempty"`
	Status       int               `json:"status"`
	Proto        string            `json:"proto"`
	Headers      map[string]string `json:"headers"`
	SSE          bool              `json:"sse"`
	SentAtMs     *float64          `json:"sentAtMs"`
	TTFBMs       float64           `json:"ttfbMs"`
	TTFTMs       float64           `json:"ttftMs"`
	TTFOMs       float64           `json:"ttfoMs"`
	E2EMs        float64           `json:"e2eMs"`
	EndMs        float64           `json:"endMs"`
	ITLMs        []float64         `json:"itlMs"`
	Events       int               `json:"events"`
	Chunks       int               `json:"chunks"`
	Usage        *Usage            `json:"usage"`
	FinishReason string            `json:"finishReason"`
	SawDone      bool              `json:"sawDone"`
	ContentChars int               `json:"contentChars"`
	// ReasoningChars counts UTF-16 code units like ContentChars.
	ReasoningChars int          `json:"reasoningChars"`
	Content        string       `json:"content,omitempty"`
	Body           string       `json:"body,omitempty"`
	Error          *StreamError `json:"error,omitempty"`
}

// Usage is the platform's token counts; a count it did not send stays absent.
type Usage struct {
	Prompt     *float64 `json:"prompt,omitempty"`
	Completion *float64 `json:"completion,omitempty"`
	Cached     *float64 `json:"cached,omitempty"`
}

// newRecord returns a record with every point unreached, so a failure at any stage is well formed.
func newRecord() *Record {
	return &Record{
		V: apiVersion, Headers: map[string]string{}, ITLMs: []float64{},
		TTFBMs: -1, TTFTMs: -1, TTFOMs: -1, E2EMs: -1, EndMs: -1,
	}
}
