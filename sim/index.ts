import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdminHandler } from './admin';
import { parseConfig } from './config';
import type { SimConfig, SimConfigInput } from './config';
import { createContext } from './context';
import { createRouterHandler } from './router';

export { parseConfig, loadConfigFile, ConfigError, DEFAULT_ADMIN_PASSWORD } from './config';
export type { SimConfig, SimConfigInput } from './config';
export type { RequestRecord } from './groundtruth';
export type { BudgetStatus } from './budget';

interface StartSimOptions {
  /** A config (raw input with every field optional, or the result of parseConfig/loadConfigFile). */
  config?: SimConfig | SimConfigInput;
  /** Overrides config.seed. */
  seed?: number;
  /** Listen host; default config.listen.host (127.0.0.1). */
  host?: string;
  /** Ports; default 0 (a free port), so tests never collide. The CLI passes the config's 8081/8080. */
  adminPort?: number;
  routerPort?: number;
  /** Wall clock of token and key expiry and of budget days (default: the real one); tests move it to expire things. */
  clock?: () => Date;
  /** Serve both APIs over HTTPS with this PEM certificate and key (the URLs become https://), as a platform does. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface RunningSim {
  adminUrl: string;
  routerUrl: string;
  config: SimConfig;
  /** Stops both servers, dropping open connections and pending timers. */
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the admin and router servers of one sim instance. */
export async function startSim(options: StartSimOptions = {}): Promise<RunningSim> {
  // Validation is idempotent, so an already-parsed config goes through the same schema.
  const base = parseConfig(options.config ?? {}, 'startSim options');
  const config: SimConfig = options.seed !== undefined ? { ...base, seed: options.seed } : base;
  const ctx = createContext(config, options.clock);
  const host = options.host ?? config.listen.host;
  const tls = options.tls;
  const opts = { noDelay: true, keepAliveTimeout: 65_000 };
  const serve = (handler: RequestListener): Server => (tls ? createTlsServer({ ...opts, cert: tls.cert, key: tls.key }, handler) : createServer(opts, handler));
  const admin = serve(createAdminHandler(ctx));
  const router = serve(createRouterHandler(ctx));
  // Thousands of long streams per process: lift Node's per-server request timeouts that would cut them off.
  router.requestTimeout = 0;
  router.headersTimeout = 0;
  router.maxRequestsPerSocket = 0;
  const adminPort = await listen(admin, host, options.adminPort ?? 0);
  let routerPort: number;
  try {
    routerPort = await listen(router, host, options.routerPort ?? 0);
  } catch (err) {
    admin.close();
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const scheme = tls ? 'https' : 'http';
  return {
    adminUrl: `${scheme}://${urlHost}:${adminPort}`,
    routerUrl: `${scheme}://${urlHost}:${routerPort}`,
    config,
    close: async () => {
      await ctx.scheduler.close();
      const closing = [admin, router].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      admin.closeAllConnections();
      router.closeAllConnections();
      await Promise.all(closing);
    },
  };
}
