// face-api.js's 68-point landmark model on our runtime: a face box in an image -> 68 (x, y) points
// in image pixel coordinates (pixel centres at integers, as dlib's shape predictor reports them).
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import { Executor } from '../executor/executor.ts';
import { assetUrl } from '../format/assets.ts';
import { loadModel, type Model } from '../format/model.ts';
import { readSource, type ModelSource } from '../format/source.ts';
import { checkImage, toRgbFloat, type Image } from '../image/image.ts';
import { sampleBox, type Box } from '../image/sample.ts';
import { LANDMARK_COUNT, LANDMARKS_SIZE } from './landmarks-graph.ts';

export const DEFAULT_LANDMARKS_URL = assetUrl('weights/landmarks-68.safetensors');

export type { Box } from '../image/sample.ts';

/** 68 points as [x0, y0, x1, y1, ...] in image pixels. */
export type Landmarks = Float64Array;

export interface LandmarksOptions {
  backend?: Backend | BackendName;
  weights?: ModelSource;
  /** Crops per executor run (default 8). */
  batch?: number;
}

export class LandmarkDetector {
  constructor(readonly model: Model, private readonly exec: Executor, private readonly batch: number) {}

  get backend(): string {
    return this.exec.backend.name;
  }

  /** Raw model output for 112x112 RGB crops (0..255, NHWC): 136 numbers per crop, (x, y) in 0..1. */
  async runCrops(crops: Float32Array, count: number): Promise<Float32Array> {
    const s = LANDMARKS_SIZE;
    const { landmarks } = await this.exec.run({ image: { shape: [count, s, s, 3], data: crops } });
    return landmarks.data;
  }

  /** Landmarks of the face in `box` of each image. */
  async detectBatch(items: Array<{ image: Image; box: Box }>): Promise<Landmarks[]> {
    const s = LANDMARKS_SIZE;
    const out: Landmarks[] = [];
    for (let i = 0; i < items.length; i += this.batch) {
      const chunk = items.slice(i, i + this.batch);
      const crops = new Float32Array(chunk.length * s * s * 3);
      chunk.forEach(({ image, box }, k) => {
        checkImage(image);
        if (!(box.width > 0 && box.height > 0)) throw new Error(`face box ${JSON.stringify(box)} is empty`);
        sampleBox(toRgbFloat(image), image.width, image.height, box, s, crops, k * s * s * 3);
      });
      const raw = await this.runCrops(crops, chunk.length);
      chunk.forEach(({ box }, k) => {
        const pts = new Float64Array(LANDMARK_COUNT * 2);
        for (let p = 0; p < LANDMARK_COUNT; p++) {
          // Model output is in the crop's continuous frame (0..1 across the box); -0.5 moves to pixel centres.
          pts[2 * p] = box.x + raw[k * 136 + 2 * p] * box.width - 0.5;
          pts[2 * p + 1] = box.y + raw[k * 136 + 2 * p + 1] * box.height - 0.5;
        }
        out.push(pts);
      });
    }
    return out;
  }

  async detect(image: Image, box: Box): Promise<Landmarks> {
    return (await this.detectBatch([{ image, box }]))[0];
  }

  dispose(): void {
    this.exec.dispose();
  }
}

export async function loadLandmarks(opts: LandmarksOptions = {}): Promise<LandmarkDetector> {
  const model = loadModel(await readSource(opts.weights ?? DEFAULT_LANDMARKS_URL));
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'wasm');
  return new LandmarkDetector(model, new Executor(model, backend), Math.max(1, opts.batch ?? 8));
}

/** Square box around the landmarks' bounding box, grown by `grow` of its side (for a second pass). */
export function boxFromLandmarks(pts: Landmarks, grow = 0.1): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let p = 0; p < pts.length; p += 2) {
    x0 = Math.min(x0, pts[p]); x1 = Math.max(x1, pts[p]);
    y0 = Math.min(y0, pts[p + 1]); y1 = Math.max(y1, pts[p + 1]);
  }
  const side = Math.max(x1 - x0, y1 - y0) * (1 + grow);
  return { x: (x0 + x1) / 2 - side / 2 + 0.5, y: (y0 + y1) / 2 - side / 2 + 0.5, width: side, height: side };
}
