package main

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
)

// refFields reads a chunk the way src/llm/chat/analyze.ts does, from a generic encoding/json parse:
// the reference the scanner must agree with.
func refFields(data []byte, msgKey string) (errPresent, usageObj bool, finish, content, reasoning string, tool bool) {
	var top map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	if dec.Decode(&top) != nil {
		return
	}
	_, errPresent = top["error"]
	_, usageObj = top["usage"].(map[string]any)
	choices, _ := top["choices"].([]any)
	if len(choices) == 0 {
		return
	}
	choice, _ := choices[0].(map[string]any)
	finish, _ = choice["finish_reason"].(string)
	msg, _ := choice[msgKey].(map[string]any)
	content, _ = msg["content"].(string)
	reasoning, _ = msg["reasoning_content"].(string)
	if reasoning == "" {
		reasoning, _ = msg["reasoning"].(string)
	}
	calls, _ := msg["tool_calls"].([]any)
	for _, c := range calls {
		call, _ := c.(map[string]any)
		fn, _ := call["function"].(map[string]any)
		name, _ := fn["name"].(string)
		args, _ := fn["arguments"].(string)
		if name != "" || args != "" {
			tool = true
		}
	}
	return
}

func checkAgainstReference(t *testing.T, data []byte) {
	t.Helper()
	if notJSON, notObject := checkObject(data); notJSON || notObject {
		if json.Valid(data) && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
			t.Errorf("%q: refused a valid object", data)
		}
		return
	}
	var f chunkFields
	readChunk(data, "delta", &f)
	errPresent, usageObj, finish, content, reasoning, tool := refFields(data, "delta")
	// Invalid UTF-8 stays raw in the scanner's bytes; it becomes U+FFFD per byte when the record is
	// marshalled, as encoding/json makes it while parsing.
	valid := func(b []byte) string { return string([]rune(string(b))) }
	if (f.err != nil) != errPresent || (usageRecord(f.usage) != nil) != usageObj || valid(f.finish) != finish ||
		valid(f.content) != content || valid(f.reasoning) != reasoning || f.tool != tool {
		t.Errorf("%q:\n scan err=%v usage=%v finish=%q content=%q reasoning=%q tool=%v\n  ref err=%v usage=%v finish=%q content=%q reasoning=%q tool=%v",
			data, f.err != nil, usageRecord(f.usage) != nil, f.finish, f.content, f.reasoning, f.tool,
			errPresent, usageObj, finish, content, reasoning, tool)
	}
}

var scanSeeds = []string{
	`{"choices":[{"delta":{"content":"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800x\u0041"},"finish_reason":null}]}`,
	`{"choices":[{"delta":{"content":"\ud83d\u0041 \udc00"}}]}`,
	` { "choices" : [ { "delta" : { "reasoning" : "r" , "reasoning_content" : "" } , "finish_reason" : "stop" } , {"delta":{"content":"no"}} ] } `,
	`{"choices":[{"delta":{"tool_calls":[{"index":0},{"function":{"name":"","arguments":""}},{"function":{"name":"f"}}]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{\"a\":[1,{\"b\":\"]}\"}]}"}}]}}],"usage":{"prompt_tokens":1}}`,
	`{"choices":{"0":{}},"usage":[1],"error":null}`,
	`{"choices":[null,{"delta":{"content":"x"}}],"x":[[[{"choices":[]}]]],"y":-1.5e+3,"z":true}`,
	`{"choices":[{"delta":{"content":1,"reasoning":["x"]},"finish_reason":{"a":"b"}}]}`,
	`{"\u0063hoices":[{"delta":{"content":"escaped key"}}]}`,
	`{"choices":[{"delta":{"content":"first"}}],"choices":[{"delta":{}}]}`,
	`{"choices":[{"delta":{"content":"a","content":null}}]}`,
	`{"choices":[{"delta":{"content":"\u005c\u0022"}}],"error":{"message":"m"}}`,
	`{}`,
}

func TestScannerAgreesWithAGenericParse(t *testing.T) {
	seeds := append([]string{}, scanSeeds...)
	vf := loadChatVectors(t)
	for _, c := range vf.Cases {
		for _, e := range c.Events {
			seeds = append(seeds, e.Data)
		}
	}
	for _, s := range seeds {
		checkAgainstReference(t, []byte(s))
	}
	// Mutated seeds: most mutations break the JSON (which must then be refused, never walked),
	// the rest reshape it in ways the scanner must still read as the generic parse does.
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte(`{}[]",:\ u0123456789abcdefnrt-.eE` + "\x00\xff\n")
	for i := 0; i < 200_000; i++ {
		b := []byte(seeds[rng.Intn(len(seeds))])
		for m := rng.Intn(3) + 1; m > 0 && len(b) > 0; m-- {
			p := rng.Intn(len(b))
			switch rng.Intn(3) {
			case 0:
				b[p] = alphabet[rng.Intn(len(alphabet))]
			case 1:
				b = append(b[:p], b[p+1:]...)
			default:
				b = append(b[:p], append([]byte{alphabet[rng.Intn(len(alphabet))]}, b[p:]...)...)
			}
		}
		checkAgainstReference(t, b)
		if t.Failed() {
			return
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkAgainstReference)
}
