// The frozen face recognizer: image -> 128-d descriptor; same person when the euclidean distance
// between descriptors is below the threshold.
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import { Executor } from '../executor/executor.ts';
import { loadModel, type Model } from '../format/model.ts';
import { readSource, type ModelSource } from '../format/source.ts';
import { assetUrl } from '../format/assets.ts';
import { resizeRgb, toRgbFloat, checkImage, type Image } from '../image/image.ts';
import { RECOGNIZER_SIZE } from './recognizer-graph.ts';

export const DESCRIPTOR_LENGTH = 128;
/**
 * Same person when the distance is below this: the threshold that maximises accuracy on LFW View 1's
 * 2,200 training pairs with the benchmark's alignment (99.09% there; `npx tsx bench/calibrate-threshold.ts`).
 * dlib documents 0.6 for its own alignment.
 */
export const SAME_PERSON_THRESHOLD = 0.6112;

export const DEFAULT_RECOGNIZER_URL = assetUrl('weights/recognizer-dlib-r29.safetensors');

export interface RecognizerOptions {
  /** A backend instance or name (default 'wasm'). */
  backend?: Backend | BackendName;
  /** Model file: bytes, URL or path (default: the bundled weights/recognizer-dlib-r29.safetensors). */
  weights?: ModelSource;
  /** Images per executor run in embedBatch (default 8). */
  batch?: number;
}

export class Recognizer {
  constructor(readonly model: Model, private readonly exec: Executor, private readonly batch: number) {}

  /** Name of the backend it runs on. */
  get backend(): string {
    return this.exec.backend.name;
  }

  get backendInstance(): Backend {
    return this.exec.backend;
  }

  /** Side of the square input the graph takes (150 for dlib's model), from the graph's input shape. */
  get inputSize(): number {
    const side = this.model.graph.inputs[0]?.shape[1];
    return typeof side === 'number' ? side : RECOGNIZER_SIZE;
  }

  /** Descriptor of one face chip (resized to the input size if needed; 128-d for dlib's model). */
  async embed(image: Image): Promise<Float32Array> {
    return (await this.embedBatch([image]))[0];
  }

  async embedBatch(images: Image[]): Promise<Float32Array[]> {
    const s = this.inputSize;
    const out: Float32Array[] = [];
    for (let i = 0; i < images.length; i += this.batch) {
      const chunk = images.slice(i, i + this.batch);
      const data = new Float32Array(chunk.length * s * s * 3);
      chunk.forEach((img, k) => {
        checkImage(img);
        data.set(resizeRgb(toRgbFloat(img), img.width, img.height, s, s), k * s * s * 3);
      });
      const { descriptor } = await this.exec.run({ image: { shape: [chunk.length, s, s, 3], data } });
      const len = descriptor.data.length / chunk.length;
      for (let k = 0; k < chunk.length; k++) out.push(descriptor.data.slice(k * len, (k + 1) * len));
    }
    return out;
  }

  dispose(): void {
    this.exec.dispose();
  }
}

export async function loadRecognizer(opts: RecognizerOptions = {}): Promise<Recognizer> {
  const model = loadModel(await readSource(opts.weights ?? DEFAULT_RECOGNIZER_URL));
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'wasm');
  return new Recognizer(model, new Executor(model, backend), Math.max(1, opts.batch ?? 8));
}

/** Euclidean distance between two descriptors. */
export function distance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`descriptor lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}
