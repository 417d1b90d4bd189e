// Dev-only oracle: face-api.js's FaceLandmark68Net written independently with TensorFlow.js (XNNPACK
// wasm backend) from face-api's source (FaceFeatureExtractor + denseBlock4 with tf.separableConv2d,
// avgPool 7x7/2 valid, fullyConnectedLayer), reading face-api's manifest and .bin directly. It writes
// test/fixtures/landmarks-oracle.json, which the golden test compares against.
// Run: npm run oracle:landmarks   (needs the devDependencies @tensorflow/tfjs-core, -backend-wasm,
// @vladmandic/face-api)
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { decodeImage } from '../../host/image/codecs.ts';
import { toRgbFloat } from '../../host/image/image.ts';
import { sampleBox } from '../../host/image/sample.ts';
import { landmarksGoldenInput } from '../fixtures/landmarks-golden.ts';

const require = createRequire(import.meta.url);
setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');

const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const manifest = JSON.parse(await readFile(path.join(modelDir, 'face_landmark_68_model-weights_manifest.json'), 'utf8'));
const bin = await readFile(path.join(modelDir, manifest[0].paths[0]));
const W = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights) as Record<string, tf.Tensor>;

type T4 = tf.Tensor4D;
const sep = (x: T4, p: string, stride: 1 | 2): T4 =>
  tf.add(tf.separableConv2d(x, W[`${p}/depthwise_filter`] as T4, W[`${p}/pointwise_filter`] as T4, stride, 'same'), W[`${p}/bias`]) as T4;
function denseBlock4(x: T4, p: string, first: boolean): T4 {
  const out1 = tf.relu(first ? tf.add(tf.conv2d(x, W[`${p}/conv0/filters`] as T4, 2, 'same'), W[`${p}/conv0/bias`]) : sep(x, `${p}/conv0`, 2)) as T4;
  const out2 = sep(out1, `${p}/conv1`, 1);
  const in3 = tf.relu(tf.add(out1, out2)) as T4;
  const out3 = sep(in3, `${p}/conv2`, 1);
  const in4 = tf.relu(tf.add(out1, tf.add(out2, out3))) as T4;
  const out4 = sep(in4, `${p}/conv3`, 1);
  return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4)))) as T4;
}
function forward(batch: T4): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.div(tf.sub(batch, tf.tensor1d([122.782, 117.001, 104.298])), 255) as T4;
    let out = denseBlock4(x, 'dense0', true);
    out = denseBlock4(out, 'dense1', false);
    out = denseBlock4(out, 'dense2', false);
    out = denseBlock4(out, 'dense3', false);
    out = tf.avgPool(out, [7, 7], [2, 2], 'valid');
    return tf.add(tf.matMul(tf.reshape(out, [out.shape[0], -1]) as tf.Tensor2D, W['fc/weights'] as tf.Tensor2D), W['fc/bias']) as tf.Tensor2D;
  });
}
const run = (crop: Float32Array) => Array.from(forward(tf.tensor4d(crop, [1, 112, 112, 3])).dataSync(), (v) => +v.toFixed(7));

{
  const samplesDir = path.join(import.meta.dirname, '../../samples');
  const samples: Record<string, number[]> = {};
  // Each bundled 150x150 chip, whole image sampled to 112x112 with the product's sampleBox.
  for (const f of (await readdir(samplesDir)).filter((f) => f.endsWith('.png')).sort()) {
    const img = decodeImage(await readFile(path.join(samplesDir, f)));
    samples[f] = run(sampleBox(toRgbFloat(img), img.width, img.height, { x: 0, y: 0, width: img.width, height: img.height }, 112));
  }
  const fixture = { oracle: `@tensorflow/tfjs-backend-wasm ${tf.version_core}`, golden: run(landmarksGoldenInput()), samples };
  await writeFile(path.join(import.meta.dirname, '../fixtures/landmarks-oracle.json'), JSON.stringify(fixture, null, 1) + '\n');
  console.log('golden starts', fixture.golden.slice(0, 8).join(' '));
}
