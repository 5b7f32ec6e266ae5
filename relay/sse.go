package main

import "bytes"

// Event is one dispatched server-sent event; Data is only valid during the emit call that carries it,
// so the hot path decodes it in place instead of copying it into a string.
type Event struct {
	Event string
	ID    string
	Data  []byte
}

// Parser is an incremental server-sent-events parser (WHATWG EventSource rules).
// Feed it bytes as they arrive; it emits each event the moment its terminating blank line is seen.
// One deliberate deviation: an event still pending at end of stream is dispatched by End, because
// losing a final usage chunk from a server that omits the last blank line would silently drop tokens.
type Parser struct {
	line      []byte
	data      bytes.Buffer
	hasData   bool
	eventType string
	lastID    string
	skipLF    bool
	started   bool
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// Feed consumes a chunk of the stream and calls emit for every event it completes.
func (p *Parser) Feed(chunk []byte, emit func(Event)) {
	if !p.started {
		pending := append(p.line, chunk...)
		if len(pending) < len(bom) && bytes.HasPrefix(bom, pending) {
			p.line = pending
			return
		}
		p.started = true
		p.line = nil
		chunk = bytes.TrimPrefix(pending, bom)
	}
	for len(chunk) > 0 {
		if p.skipLF {
			p.skipLF = false
			if chunk[0] == '\n' {
				chunk = chunk[1:]
				continue
			}
		}
		i := bytes.IndexAny(chunk, "\r\n")
		if i < 0 {
			p.line = append(p.line, chunk...)
			return
		}
		if chunk[i] == '\r' {
			p.skipLF = true
		}
		if len(p.line) > 0 {
			p.line = append(p.line, chunk[:i]...)
			p.processLine(p.line, emit)
			p.line = p.line[:0]
		} else {
			p.processLine(chunk[:i], emit)
		}
		chunk = chunk[i+1:]
	}
}

// End flushes a trailing line and dispatches an event left without its blank line.
func (p *Parser) End(emit func(Event)) {
	if len(p.line) > 0 {
		p.processLine(p.line, emit)
		p.line = p.line[:0]
	}
	p.dispatch(emit)
}

func (p *Parser) processLine(line []byte, emit func(Event)) {
	if len(line) == 0 {
		p.dispatch(emit)
		return
	}
	if line[0] == ':' {
		return
	}
	field, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(field) {
	case "data":
		if p.hasData {
			p.data.WriteByte('\n')
		}
		p.data.Write(value)
		p.hasData = true
	case "event":
		p.eventType = string(value)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			p.lastID = string(value)
		}
	}
}

func (p *Parser) dispatch(emit func(Event)) {
	if !p.hasData {
		p.eventType = ""
		return
	}
	ev := Event{Event: p.eventType, ID: p.lastID, Data: p.data.Bytes()}
	if ev.Event == "" {
		ev.Event = "message"
	}
	p.hasData = false
	p.eventType = ""
	emit(ev)
	p.data.Reset()
}
