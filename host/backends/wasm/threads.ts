// The thread pool: T-1 workers (worker_threads in Node, Web Workers in browsers) instantiate the same
// kernel module on the same shared WebAssembly.Memory. A job is published through the control block
// (memory.ts CTRL_PTR): the main thread writes kernel index, args pointer, the unit count and a chunk
// size, bumps the generation and wakes the workers (Atomics.notify); every thread, the main one
// included, claims chunks of units from a shared counter (Atomics.add) until none are left, so a
// thread the OS runs late (a shared machine) takes fewer chunks instead of holding the others up; the
// main thread waits for the done count. No messages on the hot path, no allocation per job.
import { CTRL_PTR } from './memory.ts';
import { importNode } from '../../format/node-import.ts';

// ctrl Int32 slots
const GEN = 0, DONE = 1, KERNEL = 2, ARGS = 3, NEXT = 4, UNITS = 5, CHUNK = 6, SLOTS = 7;
export const MAX_THREADS = 16;
/** Chunks per thread: enough to even out a late thread, few enough that claiming costs nothing. */
const CHUNKS_PER_THREAD = 8;

/** Runs inside each worker; self-contained because it is shipped as source text. */
function workerMain(env: { module: WebAssembly.Module; memory: WebAssembly.Memory; ctrl: number; index: number; kernels: string[] }, ready: () => void): void {
  const inst = new WebAssembly.Instance(env.module, { env: { memory: env.memory } });
  const fns = env.kernels.map((k) => inst.exports[k] as (a: number, s: number, e: number) => void);
  const c = new Int32Array(env.memory.buffer, env.ctrl, 7);
  let gen = Atomics.load(c, 0);
  ready();
  for (;;) {
    // Spin briefly before sleeping: jobs of one run come back to back, and waking from Atomics.wait
    // costs tens of microseconds, as much as a small layer's whole work.
    for (let i = 0; i < 20000 && Atomics.load(c, 0) === gen; i++);
    if (Atomics.load(c, 0) === gen) Atomics.wait(c, 0, gen);
    const now = Atomics.load(c, 0);
    if (now === gen) continue;
    gen = now;
    const k = Atomics.load(c, 2);
    if (k < 0) return;
    const args = Atomics.load(c, 3), units = Atomics.load(c, 5), chunk = Atomics.load(c, 6);
    for (let s = Atomics.add(c, 4, chunk); s < units; s = Atomics.add(c, 4, chunk)) fns[k](args, s, Math.min(s + chunk, units));
    Atomics.add(c, 1, 1);
    Atomics.notify(c, 1);
  }
}

interface WorkerLike {
  terminate(): unknown;
}

export class ThreadPool {
  private ctrl: Int32Array;
  private workers: WorkerLike[] = [];

  private constructor(private memory: WebAssembly.Memory, readonly threads: number) {
    this.ctrl = new Int32Array(memory.buffer, CTRL_PTR, SLOTS);
  }

  /** Starts threads-1 workers; resolves when all have instantiated the module. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, kernels: string[]): Promise<ThreadPool> {
    const pool = new ThreadPool(memory, Math.min(threads, MAX_THREADS));
    const jobs: Promise<void>[] = [];
    for (let index = 1; index < pool.threads; index++) jobs.push(pool.spawn({ module, memory, ctrl: CTRL_PTR, index, kernels }));
    await Promise.all(jobs);
    return pool;
  }

  private async spawn(env: Parameters<typeof workerMain>[0]): Promise<void> {
    const body = `(${workerMain.toString()})`;
    if (typeof process !== 'undefined' && process.versions?.node) {
      const { Worker } = await importNode<typeof import('node:worker_threads')>('node:worker_threads');
      const code = `const { workerData, parentPort } = require('node:worker_threads'); ${body}(workerData, () => parentPort.postMessage('ready'));`;
      const w = new Worker(code, { eval: true, workerData: env });
      w.unref(); // idle workers never keep the process alive
      this.workers.push(w);
      await new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      });
    } else {
      const code = `onmessage = (e) => ${body}(e.data, () => postMessage('ready'));`;
      const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      const w = new Worker(url);
      this.workers.push(w);
      await new Promise<void>((resolve, reject) => {
        w.onmessage = () => resolve();
        w.onerror = (e) => reject(new Error(`wasm worker failed: ${e.message}`));
        w.postMessage(env);
      });
      URL.revokeObjectURL(url);
    }
  }

  /** Runs kernel `k` over [0, units) in chunks claimed by every thread; the caller's thread takes part. */
  run(k: number, argsPtr: number, units: number, local: (argsPtr: number, s: number, e: number) => void): void {
    const c = this.ctrl;
    const chunk = Math.max(1, Math.ceil(units / (this.threads * CHUNKS_PER_THREAD)));
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, UNITS, units);
    Atomics.store(c, CHUNK, chunk);
    if (this.threads > 1) {
      Atomics.store(c, DONE, 0);
      Atomics.store(c, KERNEL, k);
      Atomics.store(c, ARGS, argsPtr);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
    }
    for (let s = Atomics.add(c, NEXT, chunk); s < units; s = Atomics.add(c, NEXT, chunk)) local(argsPtr, s, Math.min(s + chunk, units));
    const others = this.threads - 1;
    for (let i = 0; i < 20000 && Atomics.load(c, DONE) < others; i++); // usually done within a few us
    for (let d = Atomics.load(c, DONE); d < others; d = Atomics.load(c, DONE)) {
      if (this.canWait) {
        try {
          Atomics.wait(c, DONE, d);
        } catch {
          this.canWait = false; // a browser's main thread may not block: spin instead
        }
      }
    }
  }

  private canWait = true;

  dispose(): void {
    if (this.threads > 1) {
      Atomics.store(this.ctrl, KERNEL, -1);
      Atomics.add(this.ctrl, GEN, 1);
      Atomics.notify(this.ctrl, GEN);
    }
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}
