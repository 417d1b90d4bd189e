// Reading @vladmandic/face-api's weight manifests (the devDependency the converters use): every
// tensor as stored, uint8-quantised ones kept as U8 with their exact scale/min.
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TensorToSave } from '../host/format/model.ts';

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8'; scale: number; min: number };
}

/** The tensors of model/<name>-weights_manifest.json; `shapeOf` may re-view a tensor's shape. */
export async function readFaceApiWeights(name: string, shapeOf: (w: ManifestWeight) => number[] = (w) => w.shape): Promise<TensorToSave[]> {
  const require = createRequire(import.meta.url);
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const manifest = JSON.parse(await readFile(path.join(modelDir, `${name}-weights_manifest.json`), 'utf8')) as Array<{ paths: string[]; weights: ManifestWeight[] }>;
  const tensors: TensorToSave[] = [];
  for (const group of manifest) {
    const bin = new Uint8Array(Buffer.concat(await Promise.all(group.paths.map((p) => readFile(path.join(modelDir, p))))));
    let pos = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      if (w.quantization) {
        if (w.quantization.dtype !== 'uint8') throw new Error(`${w.name}: unsupported quantization ${w.quantization.dtype}`);
        tensors.push({ name: w.name, shape: shapeOf(w), u8: { q: bin.slice(pos, pos + count), scale: w.quantization.scale, min: w.quantization.min } });
        pos += count;
      } else {
        tensors.push({ name: w.name, shape: shapeOf(w), f32: new Float32Array(bin.slice(pos, pos + count * 4).buffer) });
        pos += count * 4;
      }
    }
    if (pos !== bin.byteLength) throw new Error(`manifest describes ${pos} bytes but the .bin has ${bin.byteLength}`);
  }
  return tensors;
}

export async function writeModelFile(file: URL, bytes: Uint8Array, tensors: number): Promise<void> {
  await writeFile(file, bytes);
  console.log(`wrote ${file.pathname}: ${bytes.byteLength} bytes, ${tensors} tensors, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`);
}
