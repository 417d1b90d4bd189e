// Golden files of the shipped codec: for every model in the registry (MODELS) and qualities 1, 15,
// 50, 90, each bundled sample chip's encoded file (sha256 + length) and its decoded pixels (sha256),
// on the wasm backend's plain-SIMD build (byte exact on any CPU: no FMA contraction). Shared by the
// test (test/codec/golden.test.ts) and the regeneration command (npm run golden:update).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { loadCodec, MODELS, type Codec } from '../../host/codec/codec.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import type { Backend } from '../../host/backends/index.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import type { Image } from '../../host/image/image.ts';

export const FIXTURE = new URL('../fixtures/codec-golden.json', import.meta.url);
export const QUALITIES = [1, 15, 50, 90];

export interface GoldenEntry {
  model: string;
  quality: number;
  sample: string;
  bytes: number;
  sha256: string;
  decodedSha256: string;
  /** Informative (printed by golden:update): PSNR of the restored chip, recognizer distance to the original. */
  psnr?: number;
  distance?: number;
}

export interface Golden {
  note: string;
  /** Other backends against the wasm golden: max |pixel difference| of the decode, file-size difference. */
  tolerances: Record<'ref' | 'webgpu' | 'wasmRelaxed', { maxAbs: number; bytes: number }>;
  entries: GoldenEntry[];
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The bundled sample chips, by file name (150x150 RGBA as decoded). */
export function samples(): Array<{ name: string; image: Image }> {
  const dir = new URL('../../samples/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((name) => ({ name, image: decodeImage(readFileSync(new URL(name, dir))) }));
}

export const readGolden = (): Golden => JSON.parse(readFileSync(FIXTURE, 'utf8'));

/** The golden backend: wasm, plain SIMD (relaxed off), 2 threads. */
export const goldenBackend = () => WasmBackend.create({ relaxed: false });

/** Model ids in the registry, by name. */
export const registry = () => Object.entries(MODELS).map(([id, name]) => ({ id: Number(id), name }));

/** One model's entries at every golden quality: encodeBatch of all samples, then decodeBatch. */
export async function computeModel(codec: Codec, name: string, chips: Array<{ name: string; image: Image }>): Promise<Array<GoldenEntry & { file: Uint8Array; decoded: Uint8Array }>> {
  const out = [];
  for (const quality of QUALITIES) {
    const files = await codec.encodeBatch(chips.map((c) => c.image), { quality });
    const decoded = await codec.decodeBatch(files);
    for (const [k, c] of chips.entries())
      out.push({ model: name, quality, sample: c.name, bytes: files[k].length, sha256: sha256(files[k]), decodedSha256: sha256(decoded[k].data), file: files[k], decoded: decoded[k].data });
  }
  return out;
}

export async function codecFor(backend: Backend, id: number): Promise<Codec> {
  return loadCodec({ backend, modelId: id });
}
