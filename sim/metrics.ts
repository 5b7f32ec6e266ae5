/** A labelled counter family rendered in Prometheus text format. */
class Counter {
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  /** Adds `by` to the series with these label values (in labelNames order). */
  inc(labels: readonly string[], by = 1): void {
    const key = labels.join('\u0000');
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** Prometheus text lines for this family. */
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, v] of this.values) {
      const vals = key.split('\u0000');
      lines.push(`${this.name}${labelString(this.labelNames, vals)} ${v}`);
    }
    return lines.join('\n');
  }
}

/** A family whose samples are read at scrape time (gauges, and counters kept as plain numbers elsewhere). */
interface GaugeSource {
  name: string;
  help: string;
  samples: () => Array<{ labels?: Record<string, string>; value: number }>;
}

/** Renders one family read at scrape time. */
function renderFamily(g: GaugeSource, type: 'gauge' | 'counter'): string {
  const lines = [`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} ${type}`];
  for (const s of g.samples()) {
    const names = Object.keys(s.labels ?? {});
    lines.push(`${g.name}${labelString(names, names.map((n) => (s.labels ?? {})[n] ?? ''))} ${s.value}`);
  }
  return lines.join('\n');
}

function labelString(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  return `{${parts.join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** The sim's metric families. */
export class SimMetrics {
  readonly requests = new Counter('sim_requests_total', 'Router requests by route, model and status.', ['route', 'model', 'status']);
  readonly tokens = new Counter('sim_tokens_total', 'Tokens served by model and kind (prompt, cached, completion).', ['model', 'kind']);
  readonly cost = new Counter('sim_cost_usd_total', 'Accrued spend in USD by org.', ['org']);
  readonly faults = new Counter('sim_faults_total', 'Injected faults by model and kind.', ['model', 'fault']);
  readonly adminRequests = new Counter('sim_admin_requests_total', 'Admin API requests by status.', ['status']);

  /** Prometheus exposition of the counters plus the given gauges. */
  render(gauges: readonly GaugeSource[], counters: readonly GaugeSource[]): string {
    const families = [this.requests, this.tokens, this.cost, this.faults, this.adminRequests].map((c) => c.render());
    return [...families, ...counters.map((c) => renderFamily(c, 'counter')), ...gauges.map((g) => renderFamily(g, 'gauge'))].join('\n') + '\n';
  }
}
