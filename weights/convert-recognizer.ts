// Converts face-api's packaging of dlib's ResNet-29 face descriptor into our model format:
//   node_modules/@vladmandic/face-api/model/face_recognition_model-weights_manifest.json + .bin
//   -> weights/recognizer-dlib-r29.safetensors
// uint8-quantised tensors stay U8 with their exact scale/min; float32 ones stay F32.
// Run: npm run convert:recognizer   (needs the @vladmandic/face-api devDependency)
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { saveModel, type TensorToSave } from '../host/format/model.ts';
import { recognizerGraph, RECOGNIZER_DIVISOR, RECOGNIZER_MEAN_RGB } from '../host/models/recognizer-graph.ts';

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8'; scale: number; min: number };
}

const require = createRequire(import.meta.url);
const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const manifest = JSON.parse(await readFile(path.join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8')) as Array<{ paths: string[]; weights: ManifestWeight[] }>;

const tensors: TensorToSave[] = [
  { name: 'input/scale', shape: [3], f32: new Float32Array(3).fill(1 / RECOGNIZER_DIVISOR) },
  { name: 'input/shift', shape: [3], f32: Float32Array.from(RECOGNIZER_MEAN_RGB, (m) => -m / RECOGNIZER_DIVISOR) },
];
for (const group of manifest) {
  const bin = new Uint8Array(Buffer.concat(await Promise.all(group.paths.map((p) => readFile(path.join(modelDir, p))))));
  let pos = 0;
  for (const w of group.weights) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    if (w.quantization) {
      if (w.quantization.dtype !== 'uint8') throw new Error(`${w.name}: unsupported quantization ${w.quantization.dtype}`);
      tensors.push({ name: w.name, shape: w.shape, u8: { q: bin.slice(pos, pos + count), scale: w.quantization.scale, min: w.quantization.min } });
      pos += count;
    } else {
      tensors.push({ name: w.name, shape: w.shape, f32: new Float32Array(bin.slice(pos, pos + count * 4).buffer) });
      pos += count * 4;
    }
  }
  if (pos !== bin.byteLength) throw new Error(`manifest describes ${pos} bytes but the .bin has ${bin.byteLength}`);
}

const bytes = saveModel(recognizerGraph(), tensors, {
  model: 'recognizer-dlib-r29',
  description: "dlib's ResNet-29 face descriptor (dlib_face_recognition_resnet_model_v1): 150x150 RGB chip -> 128-d embedding",
  source: '@vladmandic/face-api model/face_recognition_model (face-api.js packaging of the dlib model)',
  license: "weights released into the public domain by dlib's author (Davis King)",
});
const out = new URL('./recognizer-dlib-r29.safetensors', import.meta.url);
await writeFile(out, bytes);
console.log(`wrote ${out.pathname}: ${bytes.byteLength} bytes, ${tensors.length} tensors, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`);
