import { Alarm } from './alarm';

/** Monotonic clock in milliseconds with sub-microsecond fractions (CLOCK_MONOTONIC, comparable across processes). */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** A scheduled task: a handle for Scheduler.cancel. */
export interface Task {
  due: number;
  seq: number;
  run: () => void;
}

/**
 * One timer for the whole sim: tasks run at absolute monotonic deadlines, and every tick runs all tasks that are
 * due, so per-stream errors do not accumulate and many streams share one wake-up. Wake-ups come from an Alarm
 * thread (futex sleep, ~0.3 ms late) or, with wake 'timer', from setTimeout (~1 ms late); within `spinMs` of a
 * deadline the scheduler polls with setImmediate instead (lets I/O run, but keeps a core busy meanwhile).
 */
export class Scheduler {
  private heap: Task[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly alarm: Alarm | null;
  private closed = false;

  constructor(
    private readonly spinMs: number,
    wake: 'alarm' | 'timer' = 'alarm',
  ) {
    this.alarm = wake === 'alarm' ? new Alarm(() => this.tick()) : null;
  }

  /** Runs `run` at monotonic time `due` (ms); the returned handle can be given to cancel(). */
  at(due: number, run: () => void): Task {
    const task: Task = { due, seq: this.seq++, run };
    this.push(task);
    if (this.heap[0] === task) this.arm();
    return task;
  }

  /** Stops a scheduled task from running (a no-op if it already ran). */
  cancel(task: Task | null): void {
    if (task) task.run = noop;
  }

  /** Stops all pending work and the alarm thread (used on close). */
  async close(): Promise<void> {
    this.closed = true;
    this.heap = [];
    this.disarm();
    await this.alarm?.close();
  }

  /** Tasks waiting. */
  get pending(): number {
    return this.heap.length;
  }

  private tick = (): void => {
    this.disarm();
    const now = monoMs();
    // Tasks scheduled by this tick wait for the next one, even if already due: when the sim falls behind, a
    // stream's next chunk is due at once, and running it here would starve I/O (no reads, no new requests).
    const newest = this.seq;
    while (this.heap.length > 0) {
      const top = this.heap[0] as Task;
      if (top.due > now || top.seq >= newest) break;
      const task = this.pop();
      try {
        task.run();
      } catch (err) {
        // One broken stream must not take the whole sim (and every other stream) down.
        console.error('sim: scheduled task failed:', err);
      }
    }
    this.arm();
  };

  private arm(): void {
    if (this.closed) return;
    const top = this.heap[0];
    if (!top) return this.disarm();
    const wait = top.due - monoMs();
    if (wait <= this.spinMs || wait <= 0) {
      this.alarm?.clear();
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.immediate ??= setImmediate(this.tick);
      return;
    }
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
    if (this.alarm) this.alarm.set(top.due - this.spinMs);
    else {
      // A timer fires up to ~1 ms late, so it is aimed spinMs early and the rest is polled.
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(this.tick, Math.max(1, Math.floor(wait - this.spinMs)));
    }
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.alarm?.clear();
    this.timer = null;
    this.immediate = null;
  }

  // Sift with a hole instead of swaps: this runs for every chunk, so no temporaries are allocated.
  private push(task: Task): void {
    const h = this.heap;
    let i = h.length;
    h.push(task);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Task;
      if (!earlier(task, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = task;
  }

  private pop(): Task {
    const h = this.heap;
    const top = h[0] as Task;
    const last = h.pop() as Task;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && earlier(h[r] as Task, h[l] as Task) ? r : l;
        const child = h[c] as Task;
        if (!earlier(child, last)) break;
        h[i] = child;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function earlier(a: Task, b: Task): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

function noop(): void {}
