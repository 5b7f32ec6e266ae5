package main

import (
	"unicode/utf16"
	"unicode/utf8"
)

// jsonScan walks a JSON text that json.Valid has accepted, reading only the members the record
// needs and skipping the rest without building values: a streamed chunk is mostly ids, model names
// and nulls, and reflection-based decoding of each one cost more than everything else per chunk.
// On text that is not valid JSON its behaviour is undefined, so callers validate first.
type jsonScan struct {
	b []byte
	i int
}

func (s *jsonScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek is the first byte of the value at the cursor.
func (s *jsonScan) peek() byte { return s.b[s.i] }

// str reads the string at the cursor, unescaped; it aliases the input when there was nothing to unescape.
func (s *jsonScan) str() []byte {
	s.i++
	start, escaped := s.i, false
	for s.b[s.i] != '"' {
		if s.b[s.i] == '\\' {
			escaped = true
			s.i++
		}
		s.i++
	}
	raw := s.b[start:s.i]
	s.i++
	if escaped {
		return unescape(raw)
	}
	return raw
}

// skip moves past the value at the cursor and returns its text.
func (s *jsonScan) skip() []byte {
	start := s.i
	switch s.b[s.i] {
	case '"':
		s.str()
	case '{', '[':
		depth := 0
		for {
			switch s.b[s.i] {
			case '"':
				s.str()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				break
			}
		}
	default:
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.b[start:s.i]
			}
			s.i++
		}
	}
	return s.b[start:s.i]
}

// object calls member for each key of the object at the cursor; member must consume the value.
func (s *jsonScan) object(member func(key []byte)) {
	s.i++
	for {
		s.ws()
		switch s.b[s.i] {
		case '}':
			s.i++
			return
		case ',':
			s.i++
			s.ws()
		}
		key := s.str()
		s.ws()
		s.i++ // ':'
		s.ws()
		member(key)
	}
}

// array calls elem for each element of the array at the cursor; elem must consume the value.
func (s *jsonScan) array(elem func(n int)) {
	s.i++
	for n := 0; ; n++ {
		s.ws()
		switch s.b[s.i] {
		case ']':
			s.i++
			return
		case ',':
			s.i++
			s.ws()
		}
		elem(n)
	}
}

// unescape decodes a JSON string body with escapes, as encoding/json does: a lone surrogate becomes U+FFFD.
func unescape(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(raw[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2 = hex4(raw[i+3 : i+7])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, raw[i])
		}
	}
	return out
}

func hex4(h []byte) rune {
	var r rune
	for _, c := range h {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}
