// Face detection: face-api.js's TinyFaceDetector on our runtime, with its post-processing here in
// TypeScript. An image of any size is letterboxed into an SxS square (image at the top left, black
// padding right or below, as face-api's padToSquare), the network gives S/32 x S/32 cells x 5 anchors,
// and decodeDetections + nonMaxSuppression turn them into boxes in the image's pixels.
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import { Executor } from '../executor/executor.ts';
import { assetUrl } from '../format/assets.ts';
import { loadModel, type Model } from '../format/model.ts';
import { readSource, type ModelSource } from '../format/source.ts';
import { checkImage, type Image } from '../image/image.ts';
import { DETECTOR_ANCHORS, DETECTOR_BOX_ENCODING, DETECTOR_SIZE, DETECTOR_STRIDE } from './detector-graph.ts';
import type { Box } from './landmarks.ts';

export const DEFAULT_DETECTOR_URL = assetUrl('weights/face-detector-tiny.safetensors');
/** face-api's defaults for TinyFaceDetectorOptions and TinyFaceDetector. */
export const DETECTOR_SCORE_THRESHOLD = 0.5;
export const DETECTOR_IOU_THRESHOLD = 0.4;

export interface Detection {
  /** In the image's pixels (continuous frame: the image spans 0..width, 0..height); may reach past the border. */
  box: Box;
  /** Objectness, 0..1. */
  score: number;
}

export interface DetectOptions {
  /** Network input side, a multiple of 32 (default 416; 224-320 is faster and still finds faces over ~1/8 of the image). */
  inputSize?: number;
  /** Keep boxes scoring above this (default 0.5). */
  scoreThreshold?: number;
  /** Suppress a box whose IoU with a better one is above this (default 0.4). */
  iouThreshold?: number;
}

export interface DetectorOptions {
  backend?: Backend | BackendName;
  weights?: ModelSource;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export function checkInputSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < DETECTOR_STRIDE || size % DETECTOR_STRIDE !== 0 || size > 2048) {
    throw new RangeError(`detector input size must be a multiple of ${DETECTOR_STRIDE} from 32 to 2048, got ${size}`);
  }
  return size;
}

/**
 * The image scaled into the top-left of a size x size RGB float square (0..255), black elsewhere: the
 * longer side fills the square. Sources more than 2x larger are first averaged over k x k blocks so the
 * bilinear taps do not alias. Writes into `out` at `offset`; returns the image pixels per input pixel.
 */
export function letterbox(image: Image, size: number, out: Float32Array, offset = 0): number {
  checkImage(image);
  const { width: W, height: H, channels: C, data } = image;
  const scale = Math.max(W, H) / size;
  const k = Math.max(1, Math.floor(scale / 2));
  const w = Math.floor(W / k), h = Math.floor(H / k), rgb = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = 0; dy < k; dy++)
          for (let dx = 0; dx < k; dx++) s += data[((y * k + dy) * W + x * k + dx) * C + (C === 1 ? 0 : c)];
        rgb[(y * w + x) * 3 + c] = s / (k * k);
      }
  const step = scale / k; // reduced-image pixels per input pixel
  out.fill(0, offset, offset + size * size * 3);
  for (let oy = 0; oy < size; oy++) {
    const fy = (oy + 0.5) * step - 0.5;
    if (fy > h - 0.5) break;
    const cy = Math.min(Math.max(fy, 0), h - 1), y0 = Math.floor(cy), y1 = Math.min(y0 + 1, h - 1), wy = cy - y0;
    for (let ox = 0; ox < size; ox++) {
      const fx = (ox + 0.5) * step - 0.5;
      if (fx > w - 0.5) break;
      const cx = Math.min(Math.max(fx, 0), w - 1), x0 = Math.floor(cx), x1 = Math.min(x0 + 1, w - 1), wx = cx - x0;
      const o = offset + (oy * size + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * w + x0) * 3 + c], b = rgb[(y0 * w + x1) * 3 + c];
        const d = rgb[(y1 * w + x0) * 3 + c], e = rgb[(y1 * w + x1) * 3 + c];
        const top = a + (b - a) * wx;
        out[o + c] = top + (d + (e - d) * wx - top) * wy;
      }
    }
  }
  return scale;
}

/**
 * face-api's TinyYolov2 extractBoxes for one image: raw output [cells, cells, 5 anchors x 5] -> boxes
 * above the threshold, in units of the input square's side times `side` (pass the letterboxed image's
 * longer side to get image pixels).
 */
export function decodeDetections(raw: ArrayLike<number>, cells: number, side: number, scoreThreshold = DETECTOR_SCORE_THRESHOLD): Detection[] {
  const A = DETECTOR_ANCHORS.length, E = DETECTOR_BOX_ENCODING;
  if (raw.length !== cells * cells * A * E) throw new Error(`detector output has ${raw.length} values, expected ${cells}x${cells}x${A * E}`);
  const out: Detection[] = [];
  for (let row = 0; row < cells; row++)
    for (let col = 0; col < cells; col++)
      for (let a = 0; a < A; a++) {
        const o = ((row * cells + col) * A + a) * E;
        const score = sigmoid(raw[o + 4]);
        if (!(score > scoreThreshold)) continue;
        const cx = (col + sigmoid(raw[o])) / cells, cy = (row + sigmoid(raw[o + 1])) / cells;
        const bw = (Math.exp(raw[o + 2]) * DETECTOR_ANCHORS[a][0]) / cells, bh = (Math.exp(raw[o + 3]) * DETECTOR_ANCHORS[a][1]) / cells;
        out.push({ score, box: { x: (cx - bw / 2) * side, y: (cy - bh / 2) * side, width: bw * side, height: bh * side } });
      }
  return out;
}

export function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Greedy NMS as face-api's nonMaxSuppression: best score first, drop boxes overlapping a kept one by more than `threshold`. */
export function nonMaxSuppression(dets: Detection[], threshold = DETECTOR_IOU_THRESHOLD): Detection[] {
  let order = dets.map((d, i) => i).sort((i, j) => dets[i].score - dets[j].score);
  const keep: Detection[] = [];
  while (order.length > 0) {
    const best = dets[order.pop()!];
    keep.push(best);
    order = order.filter((i) => iou(best.box, dets[i].box) <= threshold);
  }
  return keep;
}

export class FaceDetector {
  constructor(readonly model: Model, private readonly exec: Executor) {}

  get backend(): string {
    return this.exec.backend.name;
  }

  /** Raw network output for letterboxed inputs [count, size, size, 3] (0..255): [count, size/32, size/32, 25]. */
  async runInputs(inputs: Float32Array, count: number, size: number): Promise<Float32Array> {
    const { boxes } = await this.exec.run({ image: { shape: [count, size, size, 3], data: inputs } });
    return boxes.data;
  }

  /** Faces in each image, best score first, boxes in that image's pixels. */
  async detectBatch(images: Image[], opts: DetectOptions = {}): Promise<Detection[][]> {
    const size = checkInputSize(opts.inputSize ?? DETECTOR_SIZE), cells = size / DETECTOR_STRIDE;
    const per = size * size * 3, inputs = new Float32Array(images.length * per);
    const sides = images.map((img, k) => letterbox(img, size, inputs, k * per) * size);
    const raw = await this.runInputs(inputs, images.length, size);
    const n = cells * cells * DETECTOR_ANCHORS.length * DETECTOR_BOX_ENCODING;
    return sides.map((side, k) => nonMaxSuppression(decodeDetections(raw.subarray(k * n, (k + 1) * n), cells, side, opts.scoreThreshold), opts.iouThreshold));
  }

  async detect(image: Image, opts: DetectOptions = {}): Promise<Detection[]> {
    return (await this.detectBatch([image], opts))[0];
  }

  dispose(): void {
    this.exec.dispose();
  }
}

export async function loadDetector(opts: DetectorOptions = {}): Promise<FaceDetector> {
  const model = loadModel(await readSource(opts.weights ?? DEFAULT_DETECTOR_URL));
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'wasm');
  return new FaceDetector(model, new Executor(model, backend));
}
