import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server did for one request, on its own monotonic clock. */
export interface ServedRequest {
  requestId: string;
  socketId: number;
  vu: string | undefined;
  /** The Authorization header as it arrived; undefined when the request had none. */
  authorization: string | undefined;
  /** hrtime (ns) right after each event was handed to the socket. */
  writtenAt: bigint[];
  sent: { event: string; id: string; data: string }[];
  /** hrtime (ns) when the client closed the connection before the response ended; unset otherwise. */
  abortedAt?: bigint;
}

export interface SseTestServer {
  url: string;
  requests: Map<string, ServedRequest>;
  close(): Promise<void>;
}

/**
 * A loopback SSE server that streams OpenAI chat chunks with known gaps and records when it wrote each one,
 * so a test can compare the client's timestamps with the server's. Every event is scheduled against
 * an absolute deadline, so timer lateness does not accumulate.
 */
export async function startSseServer(gapsMs: number[]): Promise<SseTestServer> {
  const requests = new Map<string, ServedRequest>();
  const socketIds = new WeakMap<Socket, number>();
  let nextSocket = 0;
  let nextRequest = 0;
  const server: Server = createServer((req, res) => {
    const requestId = `req-${++nextRequest}`;
    const record: ServedRequest = {
      requestId,
      socketId: socketIds.get(req.socket) ?? -1,
      vu: req.headers['x-probe-vu'] as string | undefined,
      authorization: req.headers.authorization,
      writtenAt: [],
      sent: [],
    };
    requests.set(requestId, record);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'X-Request-Id': requestId });
    res.flushHeaders();
    const start = process.hrtime.bigint();
    let due = 0;
    let timer: NodeJS.Timeout | undefined;
    // A client that leaves mid-stream is recorded (a test of cancellation reads it) and written to no more.
    res.on('close', () => {
      if (res.writableEnded) return;
      record.abortedAt = process.hrtime.bigint();
      clearTimeout(timer);
    });
    const sendNext = (i: number): void => {
      if (i === gapsMs.length) {
        const done = { event: 'message', id: String(i), data: '[DONE]' };
        record.sent.push(done);
        res.end(`id: ${done.id}\ndata: [DONE]\n\n`);
        return;
      }
      // OpenAI chat chunks, each carrying one token; the last one also says why it stopped.
      const last = i === gapsMs.length - 1;
      const ev = {
        event: i % 3 === 0 ? 'delta' : 'message',
        id: String(i),
        data: JSON.stringify({ id: requestId, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `token ${i} ` }, finish_reason: last ? 'stop' : null }] }),
      };
      const typeLine = ev.event === 'delta' ? 'event: delta\n' : '';
      res.write(`${typeLine}id: ${ev.id}\ndata: ${ev.data}\n\n`);
      record.writtenAt.push(process.hrtime.bigint());
      record.sent.push(ev);
      due += gapsMs[i + 1] ?? 0;
      const wait = Number(start + BigInt(Math.round(due * 1e6)) - process.hrtime.bigint()) / 1e6;
      timer = setTimeout(() => sendNext(i + 1), Math.max(0, wait));
    };
    due = gapsMs[0] ?? 0;
    timer = setTimeout(() => sendNext(0), due);
  });
  server.on('connection', (s: Socket) => {
    s.setNoDelay(true);
    socketIds.set(s, ++nextSocket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stream`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
