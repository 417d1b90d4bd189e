// Dev-only oracle: the recognizer written independently with TensorFlow.js (XNNPACK wasm backend),
// following face-api.js 0.22.2's FaceRecognitionNet (with dlib's /256), reading face-api's manifest
// and .bin directly. It writes test/fixtures/recognizer-oracle.json, which the golden tests compare
// against. Run: npm run oracle   (needs the devDependencies @tensorflow/tfjs-core, -backend-wasm,
// @vladmandic/face-api)
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { decodeImage } from '../../host/image/codecs.ts';
import { goldenImage } from '../fixtures/golden-image.ts';

const require = createRequire(import.meta.url);
setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');

const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const manifest = JSON.parse(await readFile(path.join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
const bin = await readFile(path.join(modelDir, manifest[0].paths[0]));
const W = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights) as Record<string, tf.Tensor>;

type T4 = tf.Tensor4D;
function convLayer(x: T4, p: string, stride: 1 | 2, relu: boolean, padding: 'same' | 'valid'): T4 {
  let out = tf.conv2d(x, W[`${p}/conv/filters`] as tf.Tensor4D, stride, padding);
  out = tf.add(out, W[`${p}/conv/bias`]) as T4;
  out = tf.add(tf.mul(out, W[`${p}/scale/weights`]), W[`${p}/scale/biases`]) as T4;
  return relu ? tf.relu(out) : out;
}
function residual(x: T4, p: string): T4 {
  let out = convLayer(x, `${p}/conv1`, 1, true, 'same');
  out = convLayer(out, `${p}/conv2`, 1, false, 'same');
  return tf.relu(tf.add(out, x)) as T4;
}
function residualDown(x: T4, p: string): T4 {
  let out = convLayer(x, `${p}/conv1`, 2, true, 'valid');
  out = convLayer(out, `${p}/conv2`, 1, false, 'same');
  let pooled = tf.avgPool(x, 2, 2, 'valid') as T4;
  if (pooled.shape[1] !== out.shape[1]) {
    out = tf.concat([out, tf.zeros([out.shape[0], 1, out.shape[2], out.shape[3]])], 1) as T4;
    out = tf.concat([out, tf.zeros([out.shape[0], out.shape[1], 1, out.shape[3]])], 2) as T4;
  }
  if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3) as T4;
  return tf.relu(tf.add(pooled, out)) as T4;
}
function forward(batch: T4): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.div(tf.sub(batch, tf.tensor1d([122.782, 117.001, 104.298])), 256) as T4;
    let out = convLayer(x, 'conv32_down', 2, true, 'valid');
    out = tf.maxPool(out, 3, 2, 'valid');
    for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, p);
    out = residualDown(out, 'conv64_down');
    for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, p);
    out = residualDown(out, 'conv128_down');
    for (const p of ['conv128_1', 'conv128_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down');
    for (const p of ['conv256_1', 'conv256_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down_out');
    return tf.matMul(tf.mean(out, [1, 2]) as tf.Tensor2D, W.fc as tf.Tensor2D);
  });
}
const embed = (rgb: Float32Array | Uint8Array) => Array.from(forward(tf.tensor4d(Float32Array.from(rgb), [1, 150, 150, 3])).dataSync(), (v) => +v.toFixed(7));

function rgbOf(file: Buffer): Uint8Array {
  const img = decodeImage(file);
  const out = new Uint8Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * img.channels + c];
  return out;
}

const samplesDir = path.join(import.meta.dirname, '../../samples');
const samples: Record<string, number[]> = {};
for (const f of (await readdir(samplesDir)).filter((f) => f.endsWith('.png')).sort()) samples[f] = embed(rgbOf(await readFile(path.join(samplesDir, f))));
const fixture = { oracle: `@tensorflow/tfjs-backend-wasm ${tf.version_core}`, golden: embed(goldenImage().data), samples };
await writeFile(path.join(import.meta.dirname, '../fixtures/recognizer-oracle.json'), JSON.stringify(fixture, null, 1) + '\n');
console.log('golden starts', fixture.golden.slice(0, 8).join(' '));
