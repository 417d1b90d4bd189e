// Golden test: our face detector (network + post-processing) against the TensorFlow.js oracle
// (test/oracle/tfjs-detector.ts) on synthetic scenes, on every backend; plus the post-processing alone.
import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { checkInputSize, decodeDetections, iou, letterbox, loadDetector, nonMaxSuppression, type Detection, type FaceDetector } from '../../host/models/detector.ts';
import type { Backend } from '../../host/backends/backend.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { createWebGPUBackend } from '../../host/backends/webgpu/index.ts';
import { requireGpu } from '../backends/webgpu-helpers.ts';
import { SCENES, renderScene } from '../fixtures/detector-scenes.ts';
import { close, throwsWith } from '../helpers.ts';

interface OracleCase {
  scene: string;
  inputSize: number;
  raw: number[];
  detections: Array<{ score: number; box: number[] }>;
}
const oracle = JSON.parse(readFileSync(new URL('../fixtures/detector-oracle.json', import.meta.url), 'utf8')) as { cases: OracleCase[] };
const scene = (name: string) => renderScene(SCENES.find((s) => s.name === name)!);
const flat = (d: Detection) => [d.box.x, d.box.y, d.box.width, d.box.height];

test('post-processing of the oracle raw output gives the oracle boxes exactly', () => {
  assert.ok(oracle.cases.some((c) => c.detections.length === 2) && oracle.cases.some((c) => c.detections.length === 0));
  for (const c of oracle.cases) {
    const img = scene(c.scene), side = Math.max(img.width, img.height);
    const dets = nonMaxSuppression(decodeDetections(Float32Array.from(c.raw), c.inputSize / 32, side));
    assert.equal(dets.map((d) => [d.score, ...flat(d)]), c.detections.map((d) => [d.score, ...d.box]), c.scene);
  }
});

test('NMS keeps the best of overlapping boxes, best first; IoU; input size checks', () => {
  const d = (score: number, x: number): Detection => ({ score, box: { x, y: 0, width: 10, height: 10 } });
  assert.equal(nonMaxSuppression([d(0.6, 0), d(0.9, 2), d(0.7, 30), d(0.8, 5)]).map((k) => k.score), [0.9, 0.7]);
  assert.is(iou(d(1, 0).box, d(1, 5).box), 50 / 150);
  throwsWith(() => checkInputSize(100), /multiple of 32/);
  throwsWith(() => decodeDetections(new Float32Array(10), 7, 100), /expected 7x7x25/);
});

test('letterbox: image at the top left, black padding, large images averaged first', () => {
  const img = { data: new Uint8Array(64 * 32 * 3).fill(200), width: 64, height: 32, channels: 3 };
  const out = new Float32Array(32 * 32 * 3);
  assert.is(letterbox(img, 32, out), 2);
  assert.is(out[(5 * 32 + 5) * 3], 200);
  assert.is(out[(20 * 32 + 5) * 3], 0);
  const big = { data: new Uint8Array(4000 * 10).fill(7), width: 4000, height: 10, channels: 1 };
  assert.is(letterbox(big, 64, new Float32Array(64 * 64 * 3)), 4000 / 64);
});
test.run();

const backends: Array<[string, () => Promise<Backend> | Backend, number[]]> = [
  ['ref', () => new RefBackend(), [224]],
  ['wasm 2 threads', () => WasmBackend.create({ threads: 2, minParallelCost: 0 }), [224, 416]],
];
if (await requireGpu('detector golden test on webgpu')) backends.push(['webgpu', () => createWebGPUBackend(), [224, 416]]);

for (const [name, make, sizes] of backends) {
  const s = suite(`detector on ${name}`);
  let det: FaceDetector;
  s.before(async () => {
    det = await loadDetector({ backend: await make() });
  });
  s.after(() => det.dispose());
  s(`${name}: raw output within 1e-4 of the oracle, same boxes`, async () => {
    for (const c of oracle.cases.filter((c) => sizes.includes(c.inputSize))) {
      const img = scene(c.scene), input = new Float32Array(c.inputSize ** 2 * 3);
      letterbox(img, c.inputSize, input);
      close(await det.runInputs(input, 1, c.inputSize), c.raw, 1e-4, `${c.scene} at ${c.inputSize}`);
      const dets = await det.detect(img, { inputSize: c.inputSize });
      assert.is(dets.length, c.detections.length, c.scene);
      dets.forEach((d, i) => close(flat(d), c.detections[i].box, 0.02, `${c.scene} box ${i}`));
    }
  });
  s.run();
}
