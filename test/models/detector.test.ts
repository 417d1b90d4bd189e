// Golden test: our face detector (BlazeFace network + post-processing) against the TensorFlow.js oracle
// (test/oracle/tfjs-detector.ts) on synthetic scenes, on every backend; plus the post-processing alone.
import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { checkInputSize, decodeDetections, iou, letterbox, loadDetector, nonMaxSuppression, type Detection, type FaceDetector, type RawDetections } from '../../host/models/detector.ts';
import { DETECTOR_HEADS } from '../../host/models/detector-graph.ts';
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
  /** By head stride: every anchor's score logit, and the regression rows of some anchors (by index). */
  heads: Record<string, { scores: number[]; boxes: Record<string, number[]> }>;
  faces: Array<{ score: number; box: number[]; keypoints: number[] }>;
}
const oracle = JSON.parse(readFileSync(new URL('../fixtures/detector-oracle.json', import.meta.url), 'utf8')) as { cases: OracleCase[] };
const scene = (name: string) => renderScene(SCENES.find((s) => s.name === name)!);
const flat = (d: Detection) => [d.box.x, d.box.y, d.box.width, d.box.height];

/** Within 1e-4, relative for values above 1 (score logits reach -100, where float32 steps are 8e-6). */
function close4(actual: ArrayLike<number>, expected: ArrayLike<number>, msg: string): void {
  assert.is(actual.length, expected.length, `${msg} length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])))) assert.unreachable(`${msg} [${i}]: ${actual[i]} != ${expected[i]}`);
  }
}

/** The oracle's raw outputs as the decoder takes them (regression rows it did not keep are zero: they score under 0.1). */
function oracleRaw(c: OracleCase): RawDetections {
  const raw: RawDetections = {};
  for (const h of DETECTOR_HEADS) {
    const o = c.heads[String(h.stride)], boxes = new Float32Array(o.scores.length * 16);
    for (const [i, row] of Object.entries(o.boxes)) boxes.set(row, Number(i) * 16);
    raw[h.scores] = Float32Array.from(o.scores);
    raw[h.boxes] = boxes;
  }
  return raw;
}

test('post-processing of the oracle raw outputs gives the oracle faces exactly', () => {
  assert.ok(oracle.cases.some((c) => c.faces.length === 2) && oracle.cases.some((c) => c.faces.length === 0));
  for (const c of oracle.cases) {
    const img = scene(c.scene), side = Math.max(img.width, img.height);
    const dets = nonMaxSuppression(decodeDetections(oracleRaw(c), c.inputSize, side));
    assert.equal(dets.map((d) => [d.score, ...flat(d), ...d.keypoints.flat()]), c.faces.map((d) => [d.score, ...d.box, ...d.keypoints]), c.scene);
  }
});

test('NMS keeps the best of overlapping boxes, best first; IoU; input size and output checks', () => {
  const d = (score: number, x: number): Detection => ({ score, box: { x, y: 0, width: 10, height: 10 }, keypoints: [] });
  assert.equal(nonMaxSuppression([d(0.6, 0), d(0.9, 2), d(0.7, 30), d(0.8, 5)]).map((k) => k.score), [0.9, 0.7]);
  assert.is(iou(d(1, 0).box, d(1, 5).box), 50 / 150);
  throwsWith(() => checkInputSize(100), /multiple of 16/);
  throwsWith(() => decodeDetections({ scores8: new Float32Array(10) }, 128, 100), /expected 512\/8192/);
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

const backends: Array<[string, () => Promise<Backend> | Backend]> = [
  ['ref', () => new RefBackend()],
  ['wasm 2 threads', () => WasmBackend.create({ threads: 2, minParallelCost: 0 })],
];
if (await requireGpu('detector golden test on webgpu')) backends.push(['webgpu', () => createWebGPUBackend()]);

for (const [name, make] of backends) {
  const s = suite(`detector on ${name}`);
  let det: FaceDetector;
  s.before(async () => {
    det = await loadDetector({ backend: await make() });
  });
  s.after(() => det.dispose());
  s(`${name}: raw outputs within 1e-4 (relative above 1) of the oracle, the same faces`, async () => {
    for (const c of oracle.cases) {
      const img = scene(c.scene), input = new Float32Array(c.inputSize ** 2 * 3);
      letterbox(img, c.inputSize, input);
      const raw = await det.runInputs(input, 1, c.inputSize);
      for (const h of DETECTOR_HEADS) {
        const o = c.heads[String(h.stride)];
        close4(raw[h.scores], o.scores, `${c.scene} ${h.scores}`);
        for (const [i, row] of Object.entries(o.boxes)) close4(raw[h.boxes].subarray(Number(i) * 16, Number(i) * 16 + 16), row, `${c.scene} ${h.boxes}[${i}]`);
      }
      const dets = await det.detect(img, { inputSize: c.inputSize });
      assert.is(dets.length, c.faces.length, c.scene);
      dets.forEach((d, i) => close([d.score, ...flat(d), ...d.keypoints.flat()], [c.faces[i].score, ...c.faces[i].box, ...c.faces[i].keypoints], 0.01, `${c.scene} face ${i}`));
    }
  });
  s.run();
}
