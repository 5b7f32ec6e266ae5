import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigFile, parseConfig } from './config';
import { startSim } from './index';

const USAGE = `usage: npm run sim -- [--config sim.yaml] [--admin-port 8081] [--router-port 8080] [--host 127.0.0.1] [--seed N]`;

/** Parsed CLI flags; ports and seed validated as integers. */
export interface CliFlags {
  config?: string;
  adminPort?: number;
  routerPort?: number;
  host?: string;
  seed?: number;
}

function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`--${name} must be an integer in [${min}, ${max}], got "${value}"`);
  }
  return Number(value);
}

/** Parses the sim's command line; throws an Error naming the bad flag. */
export function parseFlags(argv: readonly string[]): CliFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        'admin-port': { type: 'string' },
        'router-port': { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new Error(USAGE);
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
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
  return flags;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const config = flags.config ? loadConfigFile(flags.config) : parseConfig({}, 'defaults');
  const sim = await startSim({
    config,
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    host: flags.host ?? config.listen.host,
    adminPort: flags.adminPort ?? config.listen.adminPort,
    routerPort: flags.routerPort ?? config.listen.routerPort,
  });
  console.log(`sim admin  listening on ${sim.adminUrl}`);
  console.log(`sim router listening on ${sim.routerUrl}`);
  console.log(`sim models: ${Object.keys(sim.config.models).join(', ')}; seed ${sim.config.seed}; admin ${sim.config.admin.email}`);
  const stop = (signal: string): void => {
    console.log(`sim: ${signal}, shutting down`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`sim: ${(err as Error).message}`);
    process.exit(2);
  });
}
