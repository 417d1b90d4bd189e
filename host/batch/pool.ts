// The single-machine batch: `threads` worker_threads, each with its own engine, take chunks from a
// list until it is empty. A chunk whose processing throws fails all its items with that reason.
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../backends/index.ts';
import type { ItemResult } from './chunk.ts';
import type { BatchSettings } from './engine.ts';
import type { Item } from './inputs.ts';

export interface PoolOptions {
  threads: number;
  backend: BackendName;
  onResults: (results: ItemResult[]) => void;
}

export async function runPool(chunks: Item[][], settings: BatchSettings, o: PoolOptions): Promise<void> {
  if (chunks.length === 0) return;
  let next = 0;
  const n = Math.max(1, Math.min(o.threads, chunks.length));
  // Compiled (lib/): thread-main.js runs as it is; from the TypeScript sources, thread.js registers tsx first.
  const url = new URL(import.meta.url.endsWith('.ts') ? './thread.js' : './thread-main.js', import.meta.url);
  const runThread = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(url, { workerData: { settings, backend: o.backend } });
      let stopping = false;
      const stop = () => {
        stopping = true;
        return w.terminate();
      };
      const send = () => {
        if (next >= chunks.length) return void stop().then(() => resolve());
        const current = next++;
        w.postMessage({ id: current, items: chunks[current] });
      };
      w.on('message', (m: { ready?: boolean; id?: number; results?: ItemResult[]; error?: string }) => {
        if (m.ready) return send();
        if (m.id === undefined) return void stop().then(() => reject(new Error(m.error)));
        o.onResults(m.results ?? chunks[m.id].map((it) => ({ rel: it.rel, status: 'failed', bytesIn: 0, bytesOut: 0, pixels: 0, error: m.error })));
        send();
      });
      w.on('error', reject);
      w.on('exit', (code) => stopping || reject(new Error(`a batch thread stopped (exit code ${code})`)));
    });
  await Promise.all(Array.from({ length: n }, runThread));
}
