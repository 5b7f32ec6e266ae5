import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseFlags as parseStrict, runCli, UsageError } from '../tools/cli';
import { loadConfigFile, parseConfig } from './config';
import { startSim } from './index';

const USAGE = `usage: npm run sim -- [--config sim.yaml] [--admin-port 8081] [--router-port 8080] [--host 127.0.0.1] [--seed N] [--tls-cert cert.pem --tls-key key.pem] [--keyless]`;

/** Parsed CLI flags; ports and seed validated as integers. */
interface CliFlags {
  config?: string;
  adminPort?: number;
  routerPort?: number;
  host?: string;
  seed?: number;
  /** PEM files: with both, the sim serves HTTPS. */
  tlsCert?: string;
  tlsKey?: string;
  /** Serve the OpenAI routes without credentials (router.keyless). */
  keyless?: boolean;
}

function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got "${value}"`);
  }
  return Number(value);
}

/** Parses the sim's command line; throws a UsageError naming the bad flag. */
export function parseFlags(argv: readonly string[]): CliFlags {
  const values = parseStrict(argv, {
    config: { type: 'string' },
    'admin-port': { type: 'string' },
    'router-port': { type: 'string' },
    host: { type: 'string' },
    seed: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    keyless: { type: 'boolean' },
  }).values as Record<string, string | boolean | undefined>;
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const flags: CliFlags = {};
  const config = str('config');
  const host = str('host');
  const adminPort = intFlag('admin-port', str('admin-port'), 0, 65535);
  const routerPort = intFlag('router-port', str('router-port'), 0, 65535);
  const seed = intFlag('seed', str('seed'), 0, 2 ** 32 - 1);
  if (config !== undefined) flags.config = config;
  if (host !== undefined) flags.host = host;
  if (adminPort !== undefined) flags.adminPort = adminPort;
  if (routerPort !== undefined) flags.routerPort = routerPort;
  if (seed !== undefined) flags.seed = seed;
  const tlsCert = str('tls-cert');
  const tlsKey = str('tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (tlsCert !== undefined && tlsKey !== undefined) {
    flags.tlsCert = tlsCert;
    flags.tlsKey = tlsKey;
  }
  if (values.keyless === true) flags.keyless = true;
  return flags;
}

/** Starts the sim and keeps it serving until SIGINT or SIGTERM; resolves with 0 once it listens. */
async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  const loaded = flags.config ? loadConfigFile(flags.config) : parseConfig({}, 'defaults');
  const config = flags.keyless ? { ...loaded, router: { ...loaded.router, keyless: true } } : loaded;
  const sim = await startSim({
    config,
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    host: flags.host ?? config.listen.host,
    adminPort: flags.adminPort ?? config.listen.adminPort,
    routerPort: flags.routerPort ?? config.listen.routerPort,
    ...(flags.tlsCert !== undefined && flags.tlsKey !== undefined ? { tls: { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) } } : {}),
  });
  console.log(`sim admin  listening on ${sim.adminUrl}`);
  console.log(`sim router listening on ${sim.routerUrl}`);
  console.log(`sim models: ${Object.keys(sim.config.models).join(', ')}; seed ${sim.config.seed}; admin ${sim.config.admin.email}`);
  if (sim.config.router.keyless) console.log('sim router is keyless: the OpenAI routes need no key (a model backend behind a gateway)');
  const stop = (signal: string): void => {
    console.log(`sim: ${signal}, shutting down`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(USAGE, process.argv.slice(2), main).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`sim: ${(err as Error).message}`);
      process.exit(2);
    },
  );
}
