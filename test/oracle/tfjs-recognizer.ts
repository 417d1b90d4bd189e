// Dev-only oracle: the recognizer written independently with TensorFlow.js (XNNPACK wasm backend;
// network in bench/competitors/tfjs-recognizer-net.ts, following face-api.js 0.22.2's
// FaceRecognitionNet with dlib's /256), reading face-api's manifest and .bin directly. It writes test/fixtures/recognizer-oracle.json, which the golden tests compare
// against. Run: npm run oracle   (needs the devDependencies @tensorflow/tfjs-core, -backend-wasm,
// @vladmandic/face-api)
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { decodeImage } from '../../host/image/codecs.ts';
import { goldenImage } from '../fixtures/golden-image.ts';
import { loadRecognizerWeights, recognizerForward } from '../../bench/competitors/tfjs-recognizer-net.ts';

const require = createRequire(import.meta.url);
setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');

const W = loadRecognizerWeights();
const embed = (rgb: Float32Array | Uint8Array) => Array.from(recognizerForward(W, tf.tensor4d(Float32Array.from(rgb), [1, 150, 150, 3])).dataSync(), (v) => +v.toFixed(7));

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
