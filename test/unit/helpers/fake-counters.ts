import type { CounterOp, GroupResult, SharedCounters } from '../../../src/llm/transport/types';

/**
 * In-memory SharedCounters with the relay's atomic-group semantics (docs/relay.md): ops run in order; a refused
 * tryAdd or check rolls back every change of the group. It also counts groups and ops, standing in for the relay.
 */
export class FakeCounters implements SharedCounters {
  readonly values = new Map<string, number>();
  groups = 0;
  adds = 0;

  group(ops: CounterOp[]): GroupResult {
    this.groups++;
    const before = new Map<string, number | undefined>();
    const values: number[] = [];
    const read = (k: string) => this.values.get(k) ?? 0;
    const write = (k: string, v: number) => {
      if (!before.has(k)) before.set(k, this.values.get(k));
      this.values.set(k, v);
    };
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as CounterOp;
      const cur = read(op.key);
      if (op.op === 'get') values.push(cur);
      else if (op.op === 'add') {
        this.adds++;
        write(op.key, cur + op.delta);
        values.push(cur + op.delta);
      } else if (op.op === 'check' ? cur > op.max : cur + op.delta > op.limit) {
        for (const [k, v] of before) {
          if (v === undefined) this.values.delete(k);
          else this.values.set(k, v);
        }
        values.push(cur);
        return { ok: false, failed: i, values };
      } else if (op.op === 'check') values.push(cur);
      else {
        this.adds++;
        write(op.key, cur + op.delta);
        values.push(cur + op.delta);
      }
    }
    return { ok: true, failed: -1, values };
  }

  add(name: string, delta: number): number {
    return this.group([{ op: 'add', key: name, delta }]).values[0] as number;
  }

  tryAdd(name: string, delta: number, limit: number): boolean {
    return this.group([{ op: 'tryAdd', key: name, delta, limit }]).ok;
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  list(prefix: string, limit: number): { key: string; value: number }[] {
    const all = [...this.values].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value }));
    return all.sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1)).slice(0, limit);
  }
}
