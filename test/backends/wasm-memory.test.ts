// The wasm backend's linear memory stays flat over many plans of different sizes: arenas and the
// constants a plan makes (fused epilogue scale/shift) are freed with the binding and their space
// reused (free blocks merge). Before the fix each new plan left its packed epilogue vectors behind
// and freed arenas never merged, so memory grew with every new input size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { LinearMemory, HEAP_BASE } from '../../host/backends/wasm/memory.ts';
import { Executor } from '../../host/executor/executor.ts';
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

test('wasm backend: memory flat over 60 more plans of different sizes (codec networks, fused epilogues)', async () => {
  const backend = await WasmBackend.create({ threads: 1 });
  const { recnet } = untrainedModels();
  const exec = new Executor(loadModel(readFileSync(recnet)), backend);
  const run = (h: number, w: number) =>
    exec.run({ code: { shape: [1, h, w, 3], data: new Float32Array(h * w * 3).fill(8) }, delta: { shape: [1, h, w, 1], data: new Float32Array(h * w).fill(1) } });
  const sizes = Array.from({ length: 30 }, (_, i) => [4 + ((i * 7) % 13), 4 + ((i * 5) % 11)]);
  const pass = async (k: number) => {
    for (const [h, w] of k % 2 ? [...sizes].reverse() : sizes) await run(h, w);
  };
  for (let k = 0; k < 3; k++) await pass(k); // warm-up: the free list reaches its steady state (measured: 2 passes)
  const warm = backend.memoryBytes;
  for (let k = 3; k < 5; k++) await pass(k); // 60 more plans (4 kept bound at a time); before the fix +1.1 MB per pass
  exec.dispose();
  backend.dispose();
  assert.is(backend.memoryBytes, warm, `grew from ${warm} to ${backend.memoryBytes} bytes after warm-up`);
});

test.run();
