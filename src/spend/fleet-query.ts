/** The PromQL that sums the cost counter of every instance of one run (k6 writes llm_cost_usd as k6_llm_cost_usd_total). */
export function fleetSpendQuery(runId: string): string {
  return `sum(k6_llm_cost_usd_total{testid="${runId.replace(/["\\\\]/g, '')}"})`;
}

/** Reads the value of an instant-vector query result; null when Prometheus has no sample yet. */
export function parseInstantValue(body: unknown): number | null {
  const result = (body as { data?: { result?: { value?: [number, string] }[] } } | null)?.data?.result;
  const v = result?.[0]?.value?.[1];
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
