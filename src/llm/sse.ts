/** One dispatched server-sent event. */
export interface SseEvent {
  event: string;
  id: string;
  data: string;
}

/**
 * Incremental server-sent-events parser, the TypeScript twin of relay/sse.go (same rules, same
 * shared vectors in relay/testdata/sse_vectors.json). Like the Go parser it dispatches an event left
 * without its closing blank line at end(), so a final usage chunk is never silently lost.
 */
export class SseParser {
  private line = '';
  private data: string[] = [];
  private eventType = '';
  private lastId = '';
  private skipLF = false;
  private started = false;

  /** Consumes a chunk of decoded text and calls emit for every event it completes. */
  feed(chunk: string, emit: (e: SseEvent) => void): void {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skipLF) {
        this.skipLF = false;
        if (chunk.charCodeAt(pos) === 10) {
          pos++;
          continue;
        }
      }
      const cr = chunk.indexOf('\r', pos);
      const lf = chunk.indexOf('\n', pos);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) {
        this.line += chunk.slice(pos);
        return;
      }
      if (end === cr) this.skipLF = true;
      const line = this.line + chunk.slice(pos, end);
      this.line = '';
      this.processLine(line, emit);
      pos = end + 1;
    }
  }

  /** Flushes a trailing line and dispatches an event left without its blank line. */
  end(emit: (e: SseEvent) => void): void {
    if (this.line.length > 0) {
      const line = this.line;
      this.line = '';
      this.processLine(line, emit);
    }
    this.dispatch(emit);
  }

  private processLine(line: string, emit: (e: SseEvent) => void): void {
    if (line.length === 0) {
      this.dispatch(emit);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (value.indexOf('\u0000') < 0) this.lastId = value;
        break;
    }
  }

  private dispatch(emit: (e: SseEvent) => void): void {
    if (this.data.length === 0) {
      this.eventType = '';
      return;
    }
    const ev: SseEvent = { event: this.eventType || 'message', id: this.lastId, data: this.data.join('\n') };
    this.data = [];
    this.eventType = '';
    emit(ev);
  }
}

/** Parses a complete SSE body at once. */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  const p = new SseParser();
  const push = (e: SseEvent) => events.push(e);
  p.feed(body, push);
  p.end(push);
  return events;
}
