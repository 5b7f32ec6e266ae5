import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One query of a dashboard panel, named so a failing test says where it lives. */
interface PanelQuery {
  name: string;
  expr: string;
}

interface Panel {
  title: string;
  type: string;
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { unit?: string } };
}

interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string; query: unknown }[] };
  panels: Panel[];
}

export function readDashboards(dir: string): Record<string, Dashboard> {
  const out: Record<string, Dashboard> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) out[f] = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Dashboard;
  return out;
}

/** Every panel of a dashboard, rows' nested panels included. */
export function panelsOf(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function dashboardQueries(dir: string): PanelQuery[] {
  return Object.entries(readDashboards(dir)).flatMap(([file, d]) =>
    panelsOf(d).flatMap((p) => (p.targets ?? []).map((t) => ({ name: `${file} / ${p.title} / ${t.refId}`, expr: t.expr }))),
  );
}

/** A dashboard variable's `label_values(selector, label)` query. */
interface VariableQuery {
  name: string;
  selector: string;
  label: string;
}

export function variableQueries(dir: string): VariableQuery[] {
  return Object.entries(readDashboards(dir)).flatMap(([file, d]) =>
    d.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => {
        const q = typeof v.query === 'string' ? v.query : (v.query as { query: string }).query;
        const m = /^label_values\((.+),\s*(\w+)\)$/.exec(q);
        if (!m) throw new Error(`${file} / $${v.name}: not a label_values(selector, label) query: ${q}`);
        return { name: `${file} / $${v.name}`, selector: m[1] as string, label: m[2] as string };
      }),
  );
}

/** The values of `label` on series matching `selector`, as Grafana's label_values() asks for them. */
export async function labelValues(promUrl: string, selector: string, label: string): Promise<string[]> {
  const res = await fetch(`${promUrl}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': selector })}`);
  const body = (await res.json()) as { status: string; error?: string; data: string[] };
  if (body.status !== 'success') throw new Error(`label_values(${selector}, ${label}): ${body.error}`);
  return body.data;
}

export function alertQueries(rulesFile: string): PanelQuery[] {
  const doc = parse(readFileSync(rulesFile, 'utf8')) as { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ name: `${g.name} / ${r.alert ?? r.record}`, expr: r.expr })));
}

/**
 * Replaces Grafana's variables the way Grafana would before sending a query: `$name`, `${name}` and
 * `[[name]]`. Throws on a variable it was not given, so a new variable cannot slip through untested.
 */
export function substitute(expr: string, vars: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c) as string;
    if (!(name in vars)) throw new Error(`no value for variable ${whole} in ${expr}`);
    return vars[name] as string;
  });
}

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; histogram?: unknown }[] };
}

/** An instant query at `time` (unix seconds), returning Prometheus' answer as is, errors included. */
export async function queryAt(promUrl: string, expr: string, time: number): Promise<QueryResult> {
  const res = await fetch(`${promUrl}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr, time: String(time) }),
  });
  return (await res.json()) as QueryResult;
}
