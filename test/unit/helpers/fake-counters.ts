import type { SharedCounters } from '../../../lib/transport/types';

/** In-memory SharedCounters that also counts the adds, standing in for k6/x/llm's process-wide counters. */
export class FakeCounters implements SharedCounters {
  readonly values = new Map<string, number>();
  adds = 0;

  add(name: string, delta: number): number {
    this.adds++;
    const v = (this.values.get(name) ?? 0) + delta;
    this.values.set(name, v);
    return v;
  }

  tryAdd(name: string, delta: number, limit: number): boolean {
    if ((this.values.get(name) ?? 0) + delta > limit) return false;
    this.add(name, delta);
    return true;
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }
}
