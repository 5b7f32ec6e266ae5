package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// The decoding rules follow src/llm/chat/analyze.ts; relay/testdata/chat_vectors.json holds both sides to them.

// optNumber is a count the platform may omit or send as something else than a number: either way
// it stays unset, as the reference ignores it (a *float64 would turn a string into a present 0).
type optNumber struct {
	v  float64
	ok bool
}

// UnmarshalJSON keeps a JSON number and ignores any other value.
func (n *optNumber) UnmarshalJSON(b []byte) error {
	if v, err := strconv.ParseFloat(string(b), 64); err == nil && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		n.v, n.ok = v, true
	}
	return nil
}

func (n optNumber) ptr() *float64 {
	if !n.ok {
		return nil
	}
	return &n.v
}

type chatUsage struct {
	PromptTokens        optNumber `json:"prompt_tokens"`
	CompletionTokens    optNumber `json:"completion_tokens"`
	PromptTokensDetails struct {
		CachedTokens optNumber `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
}

// chunkFields is what the decoder reads from one chunk (or a whole completion). The byte slices
// alias the chunk or a fresh unescaped copy, and are valid while the chunk is.
type chunkFields struct {
	err     []byte // the error member's JSON text; nil when absent
	usage   []byte // the usage member's JSON text; nil when absent
	finish  []byte
	content []byte
	// reasoning is reasoning_content, or reasoning when that is empty.
	reasoning                      []byte
	reasoningContent, reasoningAlt []byte
	tool                           bool
}

// readChunk reads a JSON object's members the record needs; msgKey is "delta" for a streamed
// chunk and "message" for a completion. Only choices[0] counts, and a member of an unexpected
// type is ignored, as the reference does.
func readChunk(data []byte, msgKey string, f *chunkFields) {
	s := jsonScan{b: data}
	s.ws()
	s.object(func(key []byte) {
		switch string(key) {
		case "error":
			f.err = s.skip()
		case "usage":
			f.usage = s.skip()
		case "choices":
			f.finish, f.content, f.reasoningContent, f.reasoningAlt, f.tool = nil, nil, nil, nil, false
			if s.peek() != '[' {
				s.skip()
				return
			}
			s.array(func(n int) {
				if n != 0 || s.peek() != '{' {
					s.skip()
					return
				}
				s.object(func(key []byte) {
					switch {
					case string(key) == "finish_reason":
						f.finish = strOrNil(&s)
					case string(key) == msgKey && s.peek() == '{':
						readMessage(&s, f)
					default:
						s.skip()
					}
				})
			})
		default:
			s.skip()
		}
	})
	f.reasoning = f.reasoningContent
	if len(f.reasoning) == 0 {
		f.reasoning = f.reasoningAlt
	}
}

func readMessage(s *jsonScan, f *chunkFields) {
	f.content, f.reasoningContent, f.reasoningAlt, f.tool = nil, nil, nil, false
	s.object(func(key []byte) {
		switch string(key) {
		case "content":
			f.content = strOrNil(s)
		case "reasoning_content":
			f.reasoningContent = strOrNil(s)
		case "reasoning":
			f.reasoningAlt = strOrNil(s)
		case "tool_calls":
			f.tool = false
			if s.peek() != '[' {
				s.skip()
				return
			}
			s.array(func(int) {
				if s.peek() != '{' {
					s.skip()
					return
				}
				s.object(func(key []byte) {
					if string(key) != "function" || s.peek() != '{' {
						s.skip()
						return
					}
					s.object(func(key []byte) {
						if k := string(key); k == "name" || k == "arguments" {
							if len(strOrNil(s)) > 0 {
								f.tool = true
							}
							return
						}
						s.skip()
					})
				})
			})
		default:
			s.skip()
		}
	})
}

// strOrNil reads a string value, or skips any other value and returns nil.
func strOrNil(s *jsonScan) []byte {
	if s.peek() == '"' {
		return s.str()
	}
	s.skip()
	return nil
}

// checkObject tells "not JSON" from "JSON but not an object", which the reference words differently.
func checkObject(data []byte) (notJSON, notObject bool) {
	if !json.Valid(data) {
		return true, false
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return false, trimmed[0] != '{'
}

// decoder folds a response's chunks into a Record as they arrive.
type decoder struct {
	rec         *Record
	keepContent bool
	content     []byte
	last        float64
}

func newDecoder(rec *Record, keepContent bool) *decoder {
	return &decoder{rec: rec, keepContent: keepContent, last: -1}
}

// event decodes one SSE event that arrived t ms after the write; false means decoding stopped on an error.
func (d *decoder) event(t float64, data []byte) bool {
	r := d.rec
	r.Events++
	if string(data) == "[DONE]" {
		r.SawDone = true
		return true
	}
	if notJSON, notObject := checkObject(data); notJSON {
		r.Error = &StreamError{CatMalformedStream, "chunk is not JSON: " + prefix(data, 60)}
		return false
	} else if notObject {
		r.Error = &StreamError{CatMalformedStream, "chunk is not a JSON object"}
		return false
	}
	var f chunkFields
	readChunk(data, "delta", &f)
	if f.err != nil {
		r.Error = &StreamError{CatStreamInterrupted, "platform error mid-stream: " + errorMessage(f.err)}
		return false
	}
	if u := usageRecord(f.usage); u != nil {
		r.Usage = u
	}
	if len(f.finish) > 0 && r.FinishReason != string(f.finish) {
		r.FinishReason = string(f.finish)
	}
	if len(f.content) == 0 && len(f.reasoning) == 0 && !f.tool {
		return true
	}
	r.Chunks++
	r.ContentChars += utf16Len(f.content)
	r.ReasoningChars += utf16Len(f.reasoning)
	if d.keepContent {
		d.content = append(d.content, f.content...)
	}
	if r.TTFTMs < 0 {
		r.TTFTMs = t
	}
	if r.TTFOMs < 0 && (len(f.content) > 0 || f.tool) {
		r.TTFOMs = t
	}
	if d.last >= 0 {
		r.ITLMs = append(r.ITLMs, t-d.last)
	}
	d.last = t
	r.E2EMs = t
	return true
}

// endSSE closes a stream that ended without a decoder or transport error.
func (d *decoder) endSSE() {
	r := d.rec
	if r.Error == nil && !r.SawDone && r.FinishReason == "" {
		r.Error = &StreamError{CatStreamInterrupted, "stream ended without a finish_reason or [DONE]"}
	}
	d.flushContent()
}

// body decodes a whole non-SSE completion whose last byte arrived at end ms.
func (d *decoder) body(data []byte, end float64) {
	r := d.rec
	if notJSON, notObject := checkObject(data); notJSON {
		r.Error = &StreamError{CatMalformedStream, "response body is not JSON"}
		r.Body = prefix(data, maxErrorBody)
		return
	} else if notObject {
		r.Error = &StreamError{CatMalformedStream, "response body is not a JSON object"}
		r.Body = prefix(data, maxErrorBody)
		return
	}
	var f chunkFields
	readChunk(data, "message", &f)
	r.Usage = usageRecord(f.usage)
	r.FinishReason = string(f.finish)
	r.ContentChars = utf16Len(f.content)
	r.ReasoningChars = utf16Len(f.reasoningContent)
	if d.keepContent {
		d.content = append(d.content, f.content...)
	}
	r.E2EMs = end
	d.flushContent()
}

func (d *decoder) flushContent() {
	if d.keepContent {
		d.rec.Content = string(d.content)
	}
}

// usageRecord reads a usage object; nil when raw is absent or not an object, so earlier usage stays.
func usageRecord(raw json.RawMessage) *Usage {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var u chatUsage
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(raw, &u); err != nil && !errors.As(err, &typeErr) {
		return nil
	}
	return &Usage{Prompt: u.PromptTokens.ptr(), Completion: u.CompletionTokens.ptr(), Cached: u.PromptTokensDetails.CachedTokens.ptr()}
}

// errorMessage reads a mid-stream error the way the reference does: an object's message, a string, or a stock text.
func errorMessage(raw json.RawMessage) string {
	var obj struct {
		Message *string `json:"message"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Message != nil {
		return *obj.Message
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return "error event in stream"
}

// utf16Len is the length JavaScript's String.length gives (what the token estimate counts); an
// invalid UTF-8 byte counts 1, as the U+FFFD it becomes.
func utf16Len(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}

// prefix returns at most n bytes of b, cut back to a whole UTF-8 character.
func prefix(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n])
}
