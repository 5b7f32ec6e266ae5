import http from 'k6/http';
import { fleetSpendQuery, parseInstantValue } from './fleet-query';
import type { FleetGuardSpec, SpendReading } from './fleet-guard';

/** Asks Prometheus for the run's spend across every instance (k6/http); a missing or broken answer says why. */
export function prometheusSpend(spec: FleetGuardSpec, runId: string): SpendReading {
  const url = `${spec.prometheusUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(fleetSpendQuery(runId))}`;
  const res = http.get(url, { timeout: '5s', tags: { name: 'fleet guard query' }, responseType: 'text' });
  if (res.status !== 200) return { problem: `Prometheus answered ${res.status || res.error} at ${spec.prometheusUrl}` };
  let body: unknown;
  try {
    body = JSON.parse(String(res.body));
  } catch {
    return { problem: `Prometheus at ${spec.prometheusUrl} answered with a body that is not JSON` };
  }
  const spend = parseInstantValue(body);
  if (spend === null) return { problem: `Prometheus at ${spec.prometheusUrl} has no llm_cost_usd series for testid ${runId} (is remote write on, to this Prometheus?)` };
  return { spendUSD: spend };
}
