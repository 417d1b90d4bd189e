// One thread of the batch pool: loads an engine (its own backend, wasm on one thread) once, then
// processes the chunks the main thread sends, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { processChunk } from './chunk.ts';
import { loadEngine, type BatchSettings } from './engine.ts';
import type { Item } from './inputs.ts';
import type { BackendName } from '../backends/index.ts';

const { settings, backend } = workerData as { settings: BatchSettings; backend: BackendName };
const port = parentPort!;
try {
  const engine = await loadEngine(backend, 1);
  port.on('message', async ({ id, items }: { id: number; items: Item[] }) => {
    try {
      port.postMessage({ id, results: await processChunk(engine, settings, items) });
    } catch (e) {
      port.postMessage({ id, error: (e as Error).message });
    }
  });
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ error: `cannot start: ${(e as Error).message}` });
}
