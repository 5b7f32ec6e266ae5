// router.keyless (`npm run sim -- --keyless`): the OpenAI routes served as a model backend serves them behind a
// gateway, without credentials, with ground truth for every stream as usual.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { parseFlags } from '../../sim/main';
import { groundTruth, http, isTokenEvent, provision, sendJson, sseEvents, USER_MSG } from './helpers';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSim({
    config: {
      router: { keyless: true },
      // A limit of one request per minute: keyless requests have no key or org, so it must never apply.
      rateLimits: { key: { perMinute: 1 }, org: { perMinute: 1 } },
      models: { 'gpt-4o': { ttftBaseMs: 30, prefillMsPerToken: 0, gapMs: 2, output: { kind: 'fixed', tokens: 6 } } },
    },
  });
});
afterAll(() => sim.close());

const STREAM = { model: 'gpt-4o', messages: USER_MSG, stream: true };

describe('keyless router', () => {
  it('streams without any credentials, outside rate limits, and records the ground truth of each stream', async () => {
    const first = await sendJson(`${sim.routerUrl}/v1/chat/completions`, 'POST', STREAM);
    const second = await sendJson(`${sim.routerUrl}/v1/chat/completions`, 'POST', STREAM);
    for (const r of [first, second]) {
      expect(r.status, r.text).toBe(200);
      expect(sseEvents(r).filter(isTokenEvent).length).toBe(6);
    }
    const [rec] = await groundTruth(sim, `?id=${first.headers['x-request-id'] as string}`);
    expect(rec).toMatchObject({ outcome: 'complete', status: 200, stream: true, orgId: null, keyId: null, completionTokens: 6 });
    const chunks = rec?.chunks as { atMs: number }[];
    expect(chunks).toHaveLength(6);
    expect(chunks[0]?.atMs).toBeGreaterThanOrEqual(30);
  });

  it('ignores credentials a gateway forwards, even ones it never issued, and lists models without a key', async () => {
    const tenant = await provision(sim, 'keyless-org');
    const forwarded: Record<string, string>[] = [{ authorization: 'Bearer gateway-own-key' }, { 'x-api-key': tenant.secret }];
    for (const headers of forwarded) {
      const r = await sendJson(`${sim.routerUrl}/v1/chat/completions`, 'POST', STREAM, headers);
      expect(r.status, r.text).toBe(200);
      const [rec] = await groundTruth(sim, `?id=${r.headers['x-request-id'] as string}`);
      expect(rec?.orgId).toBeNull();
    }
    const models = await http(`${sim.routerUrl}/v1/models`);
    expect(models.status).toBe(200);
    expect((JSON.parse(models.text) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['gpt-4o']);
  });

  it('still validates the request like the router', async () => {
    const r = await sendJson(`${sim.routerUrl}/v1/chat/completions`, 'POST', { model: 'no-such-model', messages: USER_MSG });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'ROUTING_ERROR' });
  });
});

describe('npm run sim -- --keyless', () => {
  it('parses the flag', () => {
    expect(parseFlags(['--keyless'])).toEqual({ keyless: true });
    expect(parseFlags([])).toEqual({});
  });

  it('starts a router that serves a stream with no key', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--keyless', '--admin-port', '0', '--router-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/router listening on (\S+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const router = /router listening on (\S+)/.exec(out)?.[1] as string;
      expect(out).toContain('sim router is keyless');
      const r = await sendJson(`${router}/v1/chat/completions`, 'POST', { model: 'gpt-4o', messages: USER_MSG, stream: true, max_tokens: 3 });
      expect(r.status, r.text).toBe(200);
      expect(sseEvents(r).filter(isTokenEvent).length).toBe(3);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
