// Face detection: MediaPipe BlazeFace (short range) on our runtime, with its post-processing here in
// TypeScript. An image of any size is letterboxed into an SxS square (the image at the top left, black
// padding right or below), the network scores every anchor and regresses a box and 6 keypoints from it,
// and decodeDetections + nonMaxSuppression turn those into faces in the image's pixels.
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import { Executor } from '../executor/executor.ts';
import { assetUrl } from '../format/assets.ts';
import { loadModel, type Model } from '../format/model.ts';
import { readSource, type ModelSource } from '../format/source.ts';
import { checkImage, type Image } from '../image/image.ts';
import { sampleBox } from '../image/sample.ts';
import { DETECTOR_HEADS, DETECTOR_KEYPOINTS, DETECTOR_REGRESSION, DETECTOR_SIZE } from './detector-graph.ts';
import type { Box } from '../image/sample.ts';

export const DEFAULT_DETECTOR_URL = assetUrl('weights/face-detector-blazeface.safetensors');
/** MediaPipe's face detection defaults: minimum score and the IoU above which a weaker box is dropped. */
export const DETECTOR_SCORE_THRESHOLD = 0.5;
export const DETECTOR_IOU_THRESHOLD = 0.3;
/** Logits are clipped to this before the sigmoid, as MediaPipe does. */
const LOGIT_CLIP = 100;

export interface Detection {
  /** In the image's pixels (continuous frame: the image spans 0..width, 0..height); may reach past the border. */
  box: Box;
  /** 0..1. */
  score: number;
  /** Right eye, left eye, nose tip, mouth centre, right ear, left ear (the person's right and left), image pixels. */
  keypoints: Array<[number, number]>;
}

export interface DetectOptions {
  /** Network input side, a multiple of 16 (default 128, as BlazeFace was trained). */
  inputSize?: number;
  /** Keep faces scoring above this (default 0.5). */
  scoreThreshold?: number;
  /** Drop a face whose IoU with a better one is above this (default 0.3). */
  iouThreshold?: number;
}

export interface DetectorOptions {
  backend?: Backend | BackendName;
  weights?: ModelSource;
}

const STRIDE = Math.max(...DETECTOR_HEADS.map((h) => h.stride));

export function checkInputSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < STRIDE || size % STRIDE !== 0 || size > 2048) {
    throw new RangeError(`detector input size must be a multiple of ${STRIDE} from ${STRIDE} to 2048, got ${size}`);
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
  const side = (size * scale) / k; // the square's side in reduced-image pixels
  out.fill(0, offset, offset + size * size * 3);
  sampleBox(rgb, w, h, { x: 0, y: 0, width: side, height: side }, size, out, offset, 'zero');
  return scale;
}

/** Raw outputs of one image, by output name (scores8, boxes8, scores16, boxes16). */
export type RawDetections = Record<string, ArrayLike<number>>;

/**
 * Every anchor scoring above the threshold, decoded: anchors sit at cell centres; the box centre, its size
 * and the keypoints are regressed in input pixels. `side` is the image length the input square stands
 * for (the letterboxed image's longer side), so boxes come out in image pixels.
 */
export function decodeDetections(raw: RawDetections, size: number, side: number, scoreThreshold = DETECTOR_SCORE_THRESHOLD): Detection[] {
  const out: Detection[] = [], k = side / size;
  for (const h of DETECTOR_HEADS) {
    const cells = size / h.stride, n = cells * cells * h.anchors, scores = raw[h.scores], boxes = raw[h.boxes];
    if (scores?.length !== n || boxes?.length !== n * DETECTOR_REGRESSION) throw new Error(`detector outputs ${h.scores}/${h.boxes} have ${scores?.length}/${boxes?.length} values, expected ${n}/${n * DETECTOR_REGRESSION}`);
    for (let i = 0; i < n; i++) {
      const logit = Math.min(LOGIT_CLIP, Math.max(-LOGIT_CLIP, scores[i]));
      const score = 1 / (1 + Math.exp(-logit));
      if (!(score > scoreThreshold)) continue;
      const cell = Math.floor(i / h.anchors), ax = ((cell % cells) + 0.5) * h.stride, ay = (Math.floor(cell / cells) + 0.5) * h.stride;
      const r = (j: number) => boxes[i * DETECTOR_REGRESSION + j];
      const w = r(2), hh = r(3);
      const keypoints: Array<[number, number]> = [];
      for (let p = 0; p < DETECTOR_KEYPOINTS; p++) keypoints.push([(ax + r(4 + 2 * p)) * k, (ay + r(5 + 2 * p)) * k]);
      out.push({ score, box: { x: (ax + r(0) - w / 2) * k, y: (ay + r(1) - hh / 2) * k, width: w * k, height: hh * k }, keypoints });
    }
  }
  return out;
}

export function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Greedy NMS: best score first, drop boxes overlapping a kept one by more than `threshold` (IoU). */
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

  /** Raw outputs for letterboxed inputs [count, size, size, 3] (0..255), by output name, all images together. */
  async runInputs(inputs: Float32Array, count: number, size: number): Promise<Record<string, Float32Array>> {
    const out = await this.exec.run({ image: { shape: [count, size, size, 3], data: inputs } });
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data]));
  }

  /** Faces in each image, best score first, in that image's pixels. */
  async detectBatch(images: Image[], opts: DetectOptions = {}): Promise<Detection[][]> {
    const size = checkInputSize(opts.inputSize ?? DETECTOR_SIZE);
    const per = size * size * 3, inputs = new Float32Array(images.length * per);
    const sides = images.map((img, k) => letterbox(img, size, inputs, k * per) * size);
    const raw = await this.runInputs(inputs, images.length, size);
    return sides.map((side, k) => {
      const mine = Object.fromEntries(Object.entries(raw).map(([name, data]) => [name, data.subarray((k * data.length) / images.length, ((k + 1) * data.length) / images.length)]));
      return nonMaxSuppression(decodeDetections(mine, size, side, opts.scoreThreshold), opts.iouThreshold);
    });
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
