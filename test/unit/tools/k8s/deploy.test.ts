// The Docker paths (relay/Dockerfile, deploy/compose.yaml) cannot run on this machine (no Docker engine), so their
// wiring is checked against the renderer's: the same pinned official k6, the relay image, loopback address and
// results root, and no k6 built from source anywhere.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_IMAGE, DEFAULT_RELAY_IMAGE, K6_UID, RELAY_LISTEN, RELAY_URL, RELAY_URL_ENV } from '../../../../tools/k8s/render';
import { repoRoot } from '../../config/helpers';

interface Service {
  image: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  network_mode?: string;
  user?: string;
  working_dir?: string;
  environment?: Record<string, string | null>;
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
}

const compose = parse(readFileSync(join(repoRoot, 'deploy', 'compose.yaml'), 'utf8')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const dockerfile = readFileSync(join(repoRoot, 'relay', 'Dockerfile'), 'utf8');
const flag = (args: string[] | undefined, name: string) => args?.[args.indexOf(name) + 1];

describe('relay/Dockerfile', () => {
  it('builds a static relay from relay/ alone and runs it on distroless, on loopback by default', () => {
    expect(dockerfile).toMatch(/^ARG GO_VERSION=1\.26$/m);
    expect(dockerfile).toMatch(/^FROM golang:\$\{GO_VERSION\}-bookworm AS build$/m);
    expect(dockerfile).toMatch(/^RUN CGO_ENABLED=0 go build -trimpath .* -o \/out\/relay \.$/m);
    expect(dockerfile).toMatch(/^FROM gcr\.io\/distroless\/static-debian12:nonroot$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/relay"\]$/m);
    expect(dockerfile).toContain(`CMD ["-listen", "${RELAY_LISTEN}"]`);
    // The build context is relay/: nothing is copied from outside it.
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) expect(m[1]).not.toMatch(/\.\.|relay\//);
    expect(existsSync(join(repoRoot, 'relay', 'go.mod'))).toBe(true);
  });

  it('no Dockerfile builds k6: the custom runner image is gone', () => {
    expect(existsSync(join(repoRoot, 'build', 'Dockerfile'))).toBe(false);
    expect(dockerfile).not.toMatch(/go\.k6\.io|xk6/);
  });
});

describe('deploy/compose.yaml', () => {
  const { relay, k6, sim } = compose.services as Record<string, Service>;

  it('runs the official k6 image the cluster runs, in the relay\'s network namespace, pointed at it', () => {
    expect(k6?.image).toBe(DEFAULT_IMAGE);
    expect(k6?.build).toBeUndefined();
    expect(k6?.network_mode).toBe('service:relay');
    expect(k6?.environment?.[RELAY_URL_ENV]).toBe(RELAY_URL);
    expect(k6?.command).toEqual(['run', 'dist/loadtest.js']);
    expect(k6?.environment?.CONFIG).toMatch(/^\$\{CONFIG:-configs\/\w+\.yaml\}$/);
  });

  it('runs the relay from relay/ on loopback, its results root k6\'s working directory, as the same user', () => {
    expect(relay?.image).toBe(`\${RELAY_IMAGE:-${DEFAULT_RELAY_IMAGE}}`);
    expect(relay?.build).toEqual({ context: '../relay', dockerfile: 'Dockerfile' });
    expect(flag(relay?.command, '-listen')).toBe(RELAY_LISTEN);
    expect(relay?.command).not.toContain('-allow-remote');
    expect(flag(relay?.command, '-results-root')).toBe(k6?.working_dir);
    expect(relay?.user).toBe(k6?.user);
    expect(k6?.user).toBe(`\${LOADTEST_UID:-${K6_UID}}:\${LOADTEST_GID:-${K6_UID}}`);
    // Both see results/ at the same path: what the relay creates there is where k6 writes.
    const resultsMount = (s?: Service) => s?.volumes?.find((v) => v.endsWith(':/work/results'));
    expect(resultsMount(relay)).toBe('../results:/work/results');
    expect(resultsMount(k6)).toBe('../results:/work/results');
  });

  it('mounts the bundles, configs and documents read-only', () => {
    for (const dir of ['dist', 'configs', 'documents']) expect(k6?.volumes).toContain(`../${dir}:/work/${dir}:ro`);
    for (const dir of ['configs', 'documents']) expect(existsSync(join(repoRoot, dir))).toBe(true);
  });

  it('makes the sim optional, in the same namespace, where configs/demo.yaml points', () => {
    expect(sim?.profiles).toEqual(['sim']);
    expect(sim?.network_mode).toBe('service:relay');
    expect(k6?.depends_on?.sim).toEqual({ condition: 'service_healthy', required: false });
    const demo = readFileSync(join(repoRoot, 'configs', 'demo.yaml'), 'utf8');
    expect(demo).toContain('apiRouterUrl: "http://127.0.0.1:8080"');
    expect(demo).toContain('userOrgUrl: "http://127.0.0.1:8081"');
    expect(sim?.command?.join(' ')).toContain('sim/main.ts --config configs/sim.yaml');
    expect(readFileSync(join(repoRoot, 'configs', 'sim.yaml'), 'utf8')).toMatch(/adminPort: 8081[\s\S]*routerPort: 8080/);
  });
});
