// What a batch worker (a thread, or a queue worker process) loads once and reuses for every chunk:
// one backend, and the codec, recognizer and landmark models its op needs.
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import { WasmBackend } from '../backends/wasm/index.ts';
import { loadCodec, MODELS, type Codec } from '../codec/codec.ts';
import { loadRecognizer, type Recognizer } from '../models/recognizer.ts';
import { loadLandmarks, type LandmarkDetector } from '../models/landmarks.ts';
import type { Op } from './inputs.ts';

/** Everything that decides a chunk's outputs; travels with each chunk (in a queue job, as JSON). */
export interface BatchSettings {
  op: Op;
  /** Quality 1..100 (encode). */
  quality: number;
  /** Model id for encode; decode restores each file with the model that wrote it. */
  modelId: number;
  /** Align photos to 150x150 chips first (encode, embed); a photo without a face is a failure. */
  align: boolean;
  /** Images larger than this are refused (pixels). */
  maxPixels: number;
  /** Input files larger than this are refused before being read (bytes). */
  maxBytes: number;
}

export interface Engine {
  backend: Backend;
  codecFor(modelId: number): Promise<Codec>;
  recognizer(): Promise<Recognizer>;
  landmarks(): Promise<LandmarkDetector>;
}

/** A backend (wasm with `threads` threads, or another by name) and models loaded on first use. */
export async function loadEngine(backendName: BackendName, threads: number): Promise<Engine> {
  const backend = backendName === 'wasm' ? await WasmBackend.create({ threads }) : await createBackend(backendName);
  const codecs = new Map<number, Promise<Codec>>();
  let rec: Promise<Recognizer> | undefined, lms: Promise<LandmarkDetector> | undefined;
  return {
    backend,
    codecFor(modelId) {
      if (!MODELS[modelId]) return Promise.reject(new Error(`file was made by model #${modelId}, which this build does not have (known: ${Object.values(MODELS).join(', ')})`));
      if (!codecs.has(modelId)) codecs.set(modelId, loadCodec({ backend, modelId, maxPixels: 4096 * 4096 }));
      return codecs.get(modelId)!;
    },
    recognizer: () => (rec ??= loadRecognizer({ backend })),
    landmarks: () => (lms ??= loadLandmarks({ backend })),
  };
}
