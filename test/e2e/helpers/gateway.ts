import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback gateway started for one test, in front of one upstream. */
export interface TestGateway {
  url: string;
  /** Requests forwarded upstream so far, and the credentials they arrived with (never forwarded). */
  forwarded: { path: string; hadCredentials: boolean }[];
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection; the caller's credentials stay at the gateway,
// as the real AI-AAS router keeps them.
const DROP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'authorization', 'x-api-key']);

function passHeaders(h: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !DROP.has(k.toLowerCase())));
}

/**
 * Starts a tiny HTTP gateway on 127.0.0.1: each request is read whole, held for `delayMs`, then forwarded to
 * `upstream` without credentials; the answer (status, headers such as x-request-id, body) is streamed back
 * chunk by chunk as it arrives. The delay is what the gateway adds to TTFT, on top of its own small overhead.
 * `dropRequestId` answers without the upstream's x-request-id, as a gateway that sets its own would.
 */
export async function startGateway(upstream: string, delayMs: number, opts: { dropRequestId?: boolean } = {}): Promise<TestGateway> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const forwarded: TestGateway['forwarded'] = [];
  const server = createServer({ noDelay: true }, (req, res) => {
    const body: Buffer[] = [];
    req.on('data', (d: Buffer) => body.push(d));
    req.on('end', () => {
      forwarded.push({ path: req.url ?? '/', hadCredentials: req.headers.authorization !== undefined || req.headers['x-api-key'] !== undefined });
      setTimeout(() => {
        const up = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: passHeaders(req.headers), agent },
          (upRes) => {
            const headers = passHeaders(upRes.headers);
            if (opts.dropRequestId) delete headers['x-request-id'];
            res.writeHead(upRes.statusCode ?? 502, headers);
            res.flushHeaders();
            upRes.on('data', (d: Buffer) => res.write(d));
            upRes.on('end', () => res.end());
            upRes.on('error', () => res.destroy());
          },
        );
        up.on('error', (err) => {
          if (res.headersSent) res.destroy();
          else {
            res.writeHead(502, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: `gateway: upstream ${upstream}: ${err.message}`, code: 'BACKEND_ERROR' }));
          }
        });
        res.on('close', () => {
          if (!res.writableFinished) up.destroy();
        });
        up.end(Buffer.concat(body));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
