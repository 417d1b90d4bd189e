// Converts face-api's 68-point landmark model into our model format:
//   node_modules/@vladmandic/face-api/model/face_landmark_68_model-weights_manifest.json + .bin
//   -> weights/landmarks-68.safetensors
// uint8-quantised tensors stay U8 with their exact scale/min; depthwise filters [3,3,C,1] are stored as
// HWIO [3,3,1,C] (same bytes, groups = C).
// Run: npm run convert:landmarks   (needs the @vladmandic/face-api devDependency)
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { saveModel, type TensorToSave } from '../host/format/model.ts';
import { landmarksGraph, LANDMARKS_DIVISOR, LANDMARKS_MEAN_RGB } from '../host/models/landmarks-graph.ts';

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8'; scale: number; min: number };
}

const require = createRequire(import.meta.url);
const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const manifest = JSON.parse(await readFile(path.join(modelDir, 'face_landmark_68_model-weights_manifest.json'), 'utf8')) as Array<{ paths: string[]; weights: ManifestWeight[] }>;

const tensors: TensorToSave[] = [
  { name: 'input/scale', shape: [3], f32: new Float32Array(3).fill(1 / LANDMARKS_DIVISOR) },
  { name: 'input/shift', shape: [3], f32: Float32Array.from(LANDMARKS_MEAN_RGB, (m) => -m / LANDMARKS_DIVISOR) },
];
for (const group of manifest) {
  const bin = new Uint8Array(Buffer.concat(await Promise.all(group.paths.map((p) => readFile(path.join(modelDir, p))))));
  let pos = 0;
  for (const w of group.weights) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const shape = w.name.endsWith('/depthwise_filter') ? [w.shape[0], w.shape[1], 1, w.shape[2] * w.shape[3]] : w.shape;
    if (w.quantization) {
      if (w.quantization.dtype !== 'uint8') throw new Error(`${w.name}: unsupported quantization ${w.quantization.dtype}`);
      tensors.push({ name: w.name, shape, u8: { q: bin.slice(pos, pos + count), scale: w.quantization.scale, min: w.quantization.min } });
      pos += count;
    } else {
      tensors.push({ name: w.name, shape, f32: new Float32Array(bin.slice(pos, pos + count * 4).buffer) });
      pos += count * 4;
    }
  }
  if (pos !== bin.byteLength) throw new Error(`manifest describes ${pos} bytes but the .bin has ${bin.byteLength}`);
}

const bytes = saveModel(landmarksGraph(), tensors, {
  model: 'landmarks-68',
  description: "face-api.js FaceLandmark68Net: 112x112 RGB face crop -> 68 (x, y) landmarks in 0..1 of the crop (iBUG 300-W order)",
  source: '@vladmandic/face-api model/face_landmark_68_model (face-api.js by Vincent Muehler)',
  license: 'MIT (face-api.js)',
});
const out = new URL('./landmarks-68.safetensors', import.meta.url);
await writeFile(out, bytes);
console.log(`wrote ${out.pathname}: ${bytes.byteLength} bytes, ${tensors.length} tensors, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`);
