// Golden tests: our recognizer against the TensorFlow.js oracle (test/oracle/tfjs-recognizer.ts).
import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { decodeImage } from '../../host/image/codecs.ts';
import { distance, loadRecognizer, DESCRIPTOR_LENGTH, type Recognizer } from '../../host/models/recognizer.ts';
import { goldenImage } from '../fixtures/golden-image.ts';
import type { Backend } from '../../host/backends/backend.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { close } from '../helpers.ts';
import { createWebGPUBackend } from '../../host/backends/webgpu/index.ts';
import { requireGpu } from '../backends/webgpu-helpers.ts';

const oracle = JSON.parse(readFileSync(new URL('../fixtures/recognizer-oracle.json', import.meta.url), 'utf8')) as { golden: number[]; samples: Record<string, number[]> };
const sample = (f: string) => decodeImage(readFileSync(new URL(`../../samples/${f}`, import.meta.url)));

/** Backends the golden test runs on, by label. */
export const GOLDEN_BACKENDS: Array<[string, () => Promise<Backend> | Backend]> = [
  ['ref', () => new RefBackend()],
  ['wasm 1 thread', () => WasmBackend.create({ threads: 1 })],
  ['wasm 2 threads', () => WasmBackend.create({ threads: 2, minParallelCost: 0 })],
];
// WebGPU where an adapter exists (lavapipe in CI); skipped with a message elsewhere, a failure in CI.
if (await requireGpu('golden test on webgpu')) GOLDEN_BACKENDS.push(['webgpu', () => createWebGPUBackend()]);

for (const [backend, make] of GOLDEN_BACKENDS) {
  const golden = suite(`golden on ${backend}`);
  let rec: Recognizer;
  golden.before(async () => {
    rec = await loadRecognizer({ backend: await make() });
  });
  golden.after(() => (rec.backendInstance as { dispose?: () => void }).dispose?.());

  golden(`${backend}: golden image matches face-api.js 0.22.2 and the tfjs oracle`, async () => {
    const d = await rec.embed(goldenImage());
    assert.is(d.length, DESCRIPTOR_LENGTH);
    close(d.slice(0, 8), [-0.084316, 0.135518, 0.08435, -0.053899, -0.112745, -0.015095, -0.113935, -0.022415], 1e-4, 'published prefix');
    close(d, oracle.golden, 1e-4, 'oracle');
  });

  golden(`${backend}: real LFW chips match the oracle, batched`, async () => {
    const files = Object.keys(oracle.samples);
    assert.ok(files.length >= 5);
    const ds = await rec.embedBatch(files.map(sample));
    files.forEach((f, i) => close(ds[i], oracle.samples[f], 1e-4, f));
  });
  golden.run();
}

test('a non-150x150 input is resized; distance is euclidean', async () => {
  const rec = await loadRecognizer();
  const img = sample('Paul_Tagliabue_0001.png');
  // Nearest 2x upscale then our bilinear resize back is close to, not equal to, the original.
  const big = new Uint8Array(300 * 300 * 4);
  for (let y = 0; y < 300; y++) for (let x = 0; x < 300; x++) for (let c = 0; c < 4; c++) big[(y * 300 + x) * 4 + c] = img.data[((y >> 1) * 150 + (x >> 1)) * 4 + c];
  const [a, b] = await rec.embedBatch([img, { data: big, width: 300, height: 300, channels: 4 }]);
  assert.ok(distance(a, b) < 0.1, `resized distance ${distance(a, b)}`);
  assert.is(distance(new Float32Array([0, 0]), new Float32Array([3, 4])), 5);
});

test('bad images are refused with a clear error', async () => {
  const rec = await loadRecognizer();
  try {
    await rec.embed({ data: new Uint8Array(10), width: 150, height: 150, channels: 3 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /image data has 10 values/);
  }
});

test.run();
