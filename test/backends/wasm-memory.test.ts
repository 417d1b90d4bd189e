// The wasm backend's linear memory stays flat over many plans of different sizes: arenas and the
// constants a plan makes (fused epilogue scale/shift) are freed with the binding and their space
// reused (free blocks merge). Before the fix each new plan left its packed epilogue vectors behind
// and freed arenas never merged, so memory grew with every new input size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { LinearMemory, HEAP_BASE } from '../../host/backends/wasm/memory.ts';
import { Executor } from '../../host/executor/executor.ts';
import { Tape } from '../../host/train/tape.ts';
import { loadModel } from '../../host/format/model.ts';
import { untrainedModels } from '../codec/helpers.ts';
import { readFileSync } from 'node:fs';

test('LinearMemory: freed neighbours merge and a block at the top returns to it', () => {
  const mem = new LinearMemory(new WebAssembly.Memory({ initial: 2, maximum: 100 }));
  const [a, b, c] = [mem.alloc(1000), mem.alloc(3000), mem.alloc(500)];
  mem.release(b, 3000);
  mem.release(a, 1000);
  assert.is(mem.alloc(4000), a, 'a and b merged into one block that fits 4000 bytes');
  mem.release(c, 500);
  mem.release(a, 4000);
  assert.is(mem.used, HEAP_BASE, 'everything freed: the heap is empty again');
});

const recnetInputs = (h: number, w: number) => ({
  code: { shape: [1, h, w, 3], data: new Float32Array(h * w * 3).fill(8) },
  delta: { shape: [1, h, w, 1], data: new Float32Array(h * w).fill(1) },
});
/** 40 code sizes from 4x4 to 16x14, in a fixed scrambled order. */
const SIZES = Array.from({ length: 40 }, (_, i) => [4 + ((i * 7) % 13), 4 + ((i * 5) % 11)]);

/**
 * Runs `run` over the sizes, forwards then backwards, `passes` times (each size a new plan: the
 * executor and the tape keep only a few bound) and returns the memory after the first `warmPasses`
 * (the free list reaches its steady state) and at the end.
 */
async function memoryOver(backend: WasmBackend, run: (h: number, w: number) => Promise<unknown>, passes: number, warmPasses: number) {
  let warm = 0;
  for (let k = 0; k < passes; k++) {
    if (k === warmPasses) warm = backend.memoryBytes;
    for (const [h, w] of k % 2 ? [...SIZES].reverse() : SIZES) await run(h, w);
  }
  return { warm, end: backend.memoryBytes };
}

test('wasm backend: memory flat over 200 executor plans of different sizes after 200 to settle (codec networks, fused epilogues)', async () => {
  const backend = await WasmBackend.create({ threads: 1 });
  const { recnet } = untrainedModels();
  const exec = new Executor(loadModel(readFileSync(recnet)), backend);
  // 10 passes of 40 sizes: flat over the last 200 plans. The free list settles within 5 passes
  // (measured: one 192 KB step at the fifth). Before the fix: +1.1 MB per pass.
  const { warm, end } = await memoryOver(backend, (h, w) => exec.run(recnetInputs(h, w)), 10, 5);
  exec.dispose();
  backend.dispose();
  assert.is(end, warm, `grew from ${warm} to ${end} bytes after warm-up`);
});

test('wasm backend: memory flat over 200 training plans after 200 to settle (tape forward + backward, trainable weights)', async () => {
  const backend = await WasmBackend.create({ threads: 1 });
  const { recnet } = untrainedModels();
  const model = loadModel(readFileSync(recnet));
  const tape = new Tape(model, backend, new Set([...model.weights.keys()].slice(0, 4)), new Set(['code']));
  const step = async (h: number, w: number) => {
    const acts = await tape.forward(recnetInputs(h, w));
    const out = model.graph.outputs[0];
    await tape.backward(acts, new Map([[out, new Float32Array(acts.values.get(out)!.length).fill(1e-3)]]), new Set(['code']));
  };
  const { warm, end } = await memoryOver(backend, step, 10, 5);
  tape.dispose();
  backend.dispose();
  assert.is(end, warm, `grew from ${warm} to ${end} bytes after warm-up`);
});

test.run();
