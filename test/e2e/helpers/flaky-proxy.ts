import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback proxy in front of an admin API that answers some requests 503 itself, as a struggling platform would. */
interface FlakyProxy {
  url: string;
  /** Requests answered 503 by the proxy, as "METHOD path body". */
  refused: string[];
  close(): Promise<void>;
}

/** Which requests the proxy refuses: it sees each request whole, and whether the same one was refused before. */
type RefusePolicy = (call: { method: string; path: string; body: string; refusedBefore: number }) => boolean;

/** Starts the proxy in front of `target`; `refuse` decides for each request whether to answer 503 itself. */
export async function startFlakyProxy(target: string, refuse: RefusePolicy): Promise<FlakyProxy> {
  const refused: string[] = [];
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks);
      const call = `${method} ${path} ${body.toString('utf8')}`;
      if (refuse({ method, path, body: body.toString('utf8'), refusedBefore: refused.filter((r) => r === call).length })) {
        refused.push(call);
        res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable (flaky proxy)');
        return;
      }
      const out = request({ host: upstream.hostname, port: upstream.port, method, path, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.writeHead(502).end());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
