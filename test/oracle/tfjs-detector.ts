// Dev-only oracle: face-api.js's TinyFaceDetector written independently with TensorFlow.js (XNNPACK
// wasm backend) from face-api's source (TinyYolov2Base.runMobilenet with depthwiseSeparableConv and
// leaky, extractBoxes, nonMaxSuppression), reading face-api's manifest and .bin directly. For each
// synthetic scene (test/fixtures/detector-scenes.ts) letterboxed by the product's letterbox(), it
// writes the raw network output and the decoded boxes to test/fixtures/detector-oracle.json, which
// test/models/detector.test.ts compares against.
// Run: npm run oracle:detector   (needs the devDependencies @tensorflow/tfjs-core, -backend-wasm,
// @vladmandic/face-api)
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { letterbox } from '../../host/models/detector.ts';
import { SCENES, renderScene } from '../fixtures/detector-scenes.ts';

const require = createRequire(import.meta.url);
setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');

const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const manifest = JSON.parse(await readFile(path.join(modelDir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8'));
const bin = await readFile(path.join(modelDir, manifest[0].paths[0]));
const W = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights) as Record<string, tf.Tensor>;

type T4 = tf.Tensor4D;
// face-api's leaky(): relu(x - 0.1x) + 0.1x.
const leaky = (x: T4): T4 => {
  const min = tf.mul(x, tf.scalar(0.10000000149011612));
  return tf.add(tf.relu(tf.sub(x, min)), min) as T4;
};
const sepConv = (x: T4, p: string): T4 =>
  leaky(tf.add(tf.separableConv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]) as T4, W[`${p}/depthwise_filter`] as T4, W[`${p}/pointwise_filter`] as T4, [1, 1], 'valid'), W[`${p}/bias`]) as T4);
function forward(input: T4): T4 {
  return tf.tidy(() => {
    let x = tf.div(tf.sub(input, tf.tensor1d([117.001, 114.697, 97.404])), 255) as T4;
    x = leaky(tf.add(tf.conv2d(x, W['conv0/filters'] as T4, 1, 'valid'), W['conv0/bias']) as T4);
    x = tf.maxPool(x, [2, 2], [2, 2], 'same');
    for (const [i, s] of [[1, 2], [2, 2], [3, 2], [4, 2], [5, 1]] as const) x = tf.maxPool(sepConv(x, `conv${i}`), [2, 2], [s, s], 'same');
    return tf.add(tf.conv2d(x, W['conv8/filters'] as T4, 1, 'valid'), W['conv8/bias']) as T4;
  });
}

// extractBoxes + nonMaxSuppression (face-api), on the square input; boxes scaled by `side` to image pixels.
const ANCHORS = [[1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061], [4.266906, 5.178857], [9.041765, 10.66308]];
const sig = (v: number) => 1 / (1 + Math.exp(-v));
function boxes(raw: Float32Array, cells: number, side: number) {
  const found: Array<{ score: number; x: number; y: number; w: number; h: number }> = [];
  for (let row = 0; row < cells; row++)
    for (let col = 0; col < cells; col++)
      for (let a = 0; a < 5; a++) {
        const at = (k: number) => raw[(row * cells + col) * 25 + a * 5 + k];
        const score = sig(at(4));
        if (score <= 0.5) continue;
        const w = (Math.exp(at(2)) * ANCHORS[a][0]) / cells, h = (Math.exp(at(3)) * ANCHORS[a][1]) / cells;
        found.push({ score, x: (col + sig(at(0))) / cells - w / 2, y: (row + sig(at(1))) / cells - h / 2, w, h });
      }
  const iou = (p: typeof found[0], q: typeof found[0]) => {
    const iw = Math.max(0, Math.min(p.x + p.w, q.x + q.w) - Math.max(p.x, q.x)), ih = Math.max(0, Math.min(p.y + p.h, q.y + q.h) - Math.max(p.y, q.y));
    return (iw * ih) / (p.w * p.h + q.w * q.h - iw * ih);
  };
  let order = found.map((_, i) => i).sort((i, j) => found[i].score - found[j].score);
  const pick: number[] = [];
  while (order.length) {
    const cur = order.pop()!;
    pick.push(cur);
    order = order.filter((i) => iou(found[cur], found[i]) <= 0.4);
  }
  return pick.map((i) => ({ score: found[i].score, box: [found[i].x * side, found[i].y * side, found[i].w * side, found[i].h * side] }));
}

const cases: Array<{ scene: string; inputSize: number; raw: number[]; detections: Array<{ score: number; box: number[] }> }> = [];
for (const s of SCENES) {
  for (const size of s.name === 'two-faces' ? [224, 416] : [224]) {
    const input = new Float32Array(size * size * 3);
    const side = letterbox(renderScene(s), size, input) * size;
    const raw = forward(tf.tensor4d(input, [1, size, size, 3])).dataSync() as Float32Array;
    cases.push({ scene: s.name, inputSize: size, raw: Array.from(raw, (v) => +v.toPrecision(9)), detections: boxes(raw, size / 32, side) });
    console.log(s.name, size, JSON.stringify(cases.at(-1)!.detections));
  }
}
const fixture = { oracle: `@tensorflow/tfjs-backend-wasm ${tf.version_core}`, cases };
await writeFile(path.join(import.meta.dirname, '../fixtures/detector-oracle.json'), JSON.stringify(fixture) + '\n');
