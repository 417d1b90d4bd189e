// Golden test: our landmark model against the TensorFlow.js oracle (test/oracle/tfjs-landmarks.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { decodeImage } from '../../host/image/codecs.ts';
import { toRgbFloat } from '../../host/image/image.ts';
import { loadLandmarks, boxFromLandmarks, type LandmarkDetector } from '../../host/models/landmarks.ts';
import { sampleBox } from '../../host/image/sample.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import type { Backend } from '../../host/backends/backend.ts';
import { landmarksGoldenInput } from '../fixtures/landmarks-golden.ts';
import { close } from '../helpers.ts';

const oracle = JSON.parse(readFileSync(new URL('../fixtures/landmarks-oracle.json', import.meta.url), 'utf8')) as { golden: number[]; samples: Record<string, number[]> };
const sample = (f: string) => decodeImage(readFileSync(new URL(`../../samples/${f}`, import.meta.url)));

const backends: Array<[string, () => Promise<Backend> | Backend]> = [
  ['ref', () => new RefBackend()],
  ['wasm 2 threads', () => WasmBackend.create({ threads: 2, minParallelCost: 0 })],
];
for (const [name, make] of backends) {
  const s = suite(`landmarks on ${name}`);
  let det: LandmarkDetector;
  s.before(async () => {
    det = await loadLandmarks({ backend: await make() });
  });
  s(`${name}: synthetic input matches the tfjs oracle`, async () => {
    const out = await det.runCrops(landmarksGoldenInput(), 1);
    close(out, oracle.golden, 1e-4, 'golden');
  });
  s(`${name}: bundled chips match the oracle, batched; detect maps back to image pixels`, async () => {
    const files = Object.keys(oracle.samples);
    assert.ok(files.length >= 5);
    const crops = new Float32Array(files.length * 112 * 112 * 3);
    files.forEach((f, k) => {
      const img = sample(f);
      sampleBox(toRgbFloat(img), img.width, img.height, { x: 0, y: 0, width: img.width, height: img.height }, 112, crops, k * 112 * 112 * 3);
    });
    const out = await det.runCrops(crops, files.length);
    files.forEach((f, k) => close(out.subarray(k * 136, (k + 1) * 136), oracle.samples[f], 1e-4, f));
    // detect(): the same crop through the public API, points in the 150x150 chip's pixels.
    const pts = await det.detect(sample(files[0]), { x: 0, y: 0, width: 150, height: 150 });
    close(pts, oracle.samples[files[0]].map((v) => v * 150 - 0.5), 2e-2, 'image coordinates');
    // On these dlib-style chips the eyes (points 36-47) sit in the upper half, left eye left of right eye.
    assert.ok(pts[36 * 2 + 1] < 75 && pts[45 * 2 + 1] < 75 && pts[36 * 2] < pts[45 * 2]);
    const box = boxFromLandmarks(pts);
    assert.ok(box.width > 60 && box.width < 200, `refit box ${JSON.stringify(box)}`);
  });
  s.run();
}
