import { Worker } from 'node:worker_threads';

// Runs in a worker thread: sleeps on a futex (Atomics.wait, microsecond timeouts) until the armed deadline, then
// wakes the main thread with a message. Plain JS source (eval), so it needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const gen = new Int32Array(workerData.sab, 0, 2);
const due = new Float64Array(workerData.sab, 8, 1);
const now = () => Number(process.hrtime.bigint()) / 1e6;
while (Atomics.load(gen, 1) === 0) {
  const g = Atomics.load(gen, 0);
  const d = due[0];
  const wait = d > 0 ? d - now() : Infinity;
  if (wait <= 0) {
    parentPort.postMessage(g);
    Atomics.wait(gen, 0, g);
  } else {
    Atomics.wait(gen, 0, g, wait);
  }
}
`;

/**
 * A precise one-shot wake-up for the main thread: Node timers fire up to ~1 ms late, and polling for the last
 * millisecond keeps a core busy, so a worker sleeps on a futex until the deadline and posts a message instead.
 */
export class Alarm {
  private readonly sab = new SharedArrayBuffer(16);
  // gen[0]: arming generation (wraps harmlessly, only compared for equality); gen[1]: stop flag.
  private readonly gen = new Int32Array(this.sab, 0, 2);
  private readonly due = new Float64Array(this.sab, 8, 1);
  private readonly worker: Worker;
  private armed = false;
  private armedGen = 0;

  constructor(onFire: () => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sab: this.sab } });
    this.worker.on('message', (g: number) => {
      // A message from a superseded arming is stale: the deadline moved since it was posted.
      if (this.armed && g === this.armedGen) {
        this.armed = false;
        onFire();
      }
    });
    this.worker.unref();
  }

  /** Arms the alarm for monotonic time `dueMs`, replacing any earlier arming. */
  set(dueMs: number): void {
    if (this.armed && this.due[0] === dueMs) return;
    this.due[0] = dueMs;
    this.armed = true;
    this.armedGen = (Atomics.add(this.gen, 0, 1) + 1) | 0;
    Atomics.notify(this.gen, 0);
  }

  /** Disarms without stopping the worker. */
  clear(): void {
    if (!this.armed) return;
    this.armed = false;
    this.due[0] = 0;
    Atomics.add(this.gen, 0, 1);
    Atomics.notify(this.gen, 0);
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    Atomics.store(this.gen, 1, 1);
    Atomics.add(this.gen, 0, 1);
    Atomics.notify(this.gen, 0);
    await this.worker.terminate();
  }
}
