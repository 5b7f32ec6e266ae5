import type { ServerResponse } from 'node:http';
import type { SimContext } from './context';
import { recordJson } from './groundtruth';
import { sendJson } from './http';

/** Serves /_sim/* (ground truth) and /metrics on either server; returns false if the path is not one of them. */
export function handleIntrospection(ctx: SimContext, method: string, url: URL, res: ServerResponse): boolean {
  const path = url.pathname;
  if (path !== '/metrics' && !path.startsWith('/_sim/')) return false;
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /_sim/requests': {
      const num = (name: string): number | undefined => {
        const v = url.searchParams.get(name);
        return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
      };
      const requestId = url.searchParams.get('id') ?? undefined;
      const since = num('since');
      const limit = num('limit');
      const records = ctx.groundTruth.list({
        ...(since !== undefined ? { since } : {}),
        ...(requestId !== undefined ? { requestId } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
      sendJson(res, 200, { total: ctx.groundTruth.total, requests: records.map(recordJson) });
      return true;
    }
    case 'GET /_sim/state': {
      const snap = ctx.tenants.snapshot();
      sendJson(res, 200, {
        orgs: snap.orgs.map((o) => ({ ...o, budget: ctx.ledger.status(o.orgId) })),
        users: snap.users,
        serviceAccounts: snap.serviceAccounts,
        apiKeys: snap.apiKeys,
        inFlight: ctx.ledger.global(),
        cache: { blocks: ctx.cache.size, capacityBlocks: ctx.config.cache.capacityBlocks, leaky: ctx.config.cache.leaky },
        models: [...ctx.models.values()].map((m) => ({ model: m.name, inUse: m.slots.inUse, queued: m.slots.queued })),
      });
      return true;
    }
    case 'GET /_sim/live': {
      // What a cleanup must leave at zero: keys still working, users not suspended (pending ones included), active orgs.
      const snap = ctx.tenants.snapshot();
      sendJson(res, 200, {
        apiKeys: snap.apiKeys.filter((k) => k.status === 'active').map((k) => k.apiKeyId),
        users: snap.users.filter((u) => u.status !== 'suspended').map((u) => u.userId),
        orgs: snap.orgs.filter((o) => o.status === 'active').map((o) => o.orgId),
      });
      return true;
    }
    case 'GET /_sim/timing':
      sendJson(res, 200, { lateness: ctx.groundTruth.lateness.summary(), scheduled: ctx.scheduler.pending });
      return true;
    case 'POST /_sim/timing/reset':
      ctx.groundTruth.lateness.reset();
      sendJson(res, 200, { reset: true });
      return true;
    case 'GET /metrics': {
      const chunks = {
        name: 'sim_chunks_total',
        help: 'Token-bearing SSE chunks written, by model.',
        samples: () => [...ctx.models.values()].map((m) => ({ labels: { model: m.name }, value: m.chunksWritten })),
      };
      const text = ctx.metrics.render(gauges(ctx), [chunks]);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    default:
      sendJson(res, 404, { error: 'route not found', path, method });
      return true;
  }
}

function gauges(ctx: SimContext): Parameters<SimContext['metrics']['render']>[0] {
  const models = [...ctx.models.values()];
  const lateness = ctx.groundTruth.lateness.summary();
  return [
    { name: 'sim_inflight_requests', help: 'Requests in flight across all orgs.', samples: () => [{ value: ctx.ledger.global().inFlight }] },
    {
      name: 'sim_model_slots_in_use',
      help: 'Concurrency slots in use per model.',
      samples: () => models.map((m) => ({ labels: { model: m.name }, value: m.slots.inUse })),
    },
    {
      name: 'sim_model_queue_depth',
      help: 'Requests waiting for a concurrency slot per model.',
      samples: () => models.map((m) => ({ labels: { model: m.name }, value: m.slots.queued })),
    },
    { name: 'sim_kv_cache_blocks', help: 'Prefix-cache blocks held.', samples: () => [{ value: ctx.cache.size }] },
    {
      name: 'sim_chunk_lateness_seconds',
      help: 'Chunk write lateness versus its deadline (quantiles since start or last reset).',
      samples: () =>
        (
          [
            ['0.5', lateness.medianMs],
            ['0.99', lateness.p99Ms],
            ['1', lateness.maxMs],
          ] as const
        ).map(([q, ms]) => ({ labels: { quantile: q }, value: ms / 1000 })),
    },
  ];
}
