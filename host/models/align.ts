// dlib-style face chips: a similarity transform from 68 landmarks to dlib's mean face
// (get_face_chip_details with padding 0.25, size 150, as the recognizer was trained), then
// extract_image_chip's bilinear sampling (black outside the image).
import { checkImage, toRgbFloat, type Image } from '../image/image.ts';
import { boxFromLandmarks, type Box, type LandmarkDetector, type Landmarks } from './landmarks.ts';

/** dlib's mean face: average positions of points 17..67 (dlib/image_transforms/interpolation.h). */
export const DLIB_MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127,
  0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647,
  0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159,
  0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
export const DLIB_MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009,
  0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077,
  0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233,
  0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];

/** Landmark indices dlib uses: 27..67 without the lower lip (55-59, 65-67); the jaw and eyebrows are ignored. */
export const DLIB_CHIP_POINTS: number[] = [];
for (let i = 27; i < 68; i++) if (!((i >= 55 && i <= 59) || (i >= 65 && i <= 67))) DLIB_CHIP_POINTS.push(i);

/** x' = a*x - b*y + tx, y' = b*x + a*y + ty (rotation + uniform scale + translation). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export const applySimilarity = (t: Similarity, x: number, y: number): [number, number] => [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];

/** Least-squares similarity transform mapping `from` onto `to` (Umeyama's closed form in 2-D; no reflection). */
export function findSimilarityTransform(from: Array<[number, number]>, to: Array<[number, number]>): Similarity {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Error(`need >= 2 matching points, got ${n} and ${to.length}`);
  let fx = 0, fy = 0, gx = 0, gy = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0]; fy += from[i][1]; gx += to[i][0]; gy += to[i][1];
  }
  fx /= n; fy /= n; gx /= n; gy /= n;
  // As complex numbers: minimise sum |c*z_i - w_i|^2 over c = a + ib, with z, w centred.
  let re = 0, im = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const zx = from[i][0] - fx, zy = from[i][1] - fy, wx = to[i][0] - gx, wy = to[i][1] - gy;
    re += zx * wx + zy * wy; // Re(conj(z) w)
    im += zx * wy - zy * wx; // Im(conj(z) w)
    norm += zx * zx + zy * zy;
  }
  if (!(norm > 0)) throw new Error('source points are all the same');
  const a = re / norm, b = im / norm;
  return { a, b, tx: gx - (a * fx - b * fy), ty: gy - (b * fx + a * fy) };
}

/** dlib's chip_details: the chip's centre in the image, its rotation, and the image distance between adjacent chip pixels. */
export interface ChipDetails {
  size: number;
  /** Image point of the chip centre (chip pixel (size-1)/2). */
  cx: number;
  cy: number;
  angle: number;
  /** Image pixels per chip pixel. */
  step: number;
}

/**
 * dlib's get_face_chip_details(det, size, padding) for 68 landmarks, with chip_details' decomposition:
 * rect = centered_drect(T(size/2, size/2), size*scale, size*scale), and extract_image_chip maps chip
 * pixel 0 and size-1 onto the rect's corners, so adjacent chip pixels are (size*scale - 1)/(size - 1) apart.
 */
export function faceChipDetails(landmarks: Landmarks, size = 150, padding = 0.25): ChipDetails {
  if (landmarks.length !== 136) throw new Error(`need 68 landmarks (136 numbers), got ${landmarks.length}`);
  const from: Array<[number, number]> = [], to: Array<[number, number]> = [];
  for (const i of DLIB_CHIP_POINTS) {
    from.push([((padding + DLIB_MEAN_FACE_X[i - 17]) / (2 * padding + 1)) * size, ((padding + DLIB_MEAN_FACE_Y[i - 17]) / (2 * padding + 1)) * size]);
    to.push([landmarks[2 * i], landmarks[2 * i + 1]]);
  }
  const t = findSimilarityTransform(from, to);
  const scale = Math.hypot(t.a, t.b);
  const [cx, cy] = applySimilarity(t, size / 2, size / 2);
  return { size, cx, cy, angle: Math.atan2(t.b, t.a), step: (size * scale - 1) / (size - 1) };
}

/** Image position of chip pixel (u, v). */
export function chipToImage(d: ChipDetails, u: number, v: number): [number, number] {
  const h = (d.size - 1) / 2;
  const du = (u - h) * d.step, dv = (v - h) * d.step;
  const c = Math.cos(d.angle), s = Math.sin(d.angle);
  return [d.cx + c * du - s * dv, d.cy + s * du + c * dv];
}

/**
 * Cuts the chip with bilinear sampling (pixel centres at integer coordinates, as dlib); a sample whose
 * 2x2 neighbourhood leaves the image is black, as dlib's transform_image. When the chip is more than 2x
 * smaller than the face, the image is first box-averaged so the taps do not alias (dlib uses a pyramid).
 */
export function extractChip(image: Image, d: ChipDetails): Image {
  checkImage(image);
  let rgb = toRgbFloat(image);
  let w = image.width, h = image.height, k = 1;
  while (d.step / k > 2 && w >= 4 && h >= 4) {
    const nw = w >> 1, nh = h >> 1, half = new Float32Array(nw * nh * 3);
    for (let y = 0; y < nh; y++)
      for (let x = 0; x < nw; x++)
        for (let c = 0; c < 3; c++)
          half[(y * nw + x) * 3 + c] = (rgb[((2 * y) * w + 2 * x) * 3 + c] + rgb[((2 * y) * w + 2 * x + 1) * 3 + c] + rgb[((2 * y + 1) * w + 2 * x) * 3 + c] + rgb[((2 * y + 1) * w + 2 * x + 1) * 3 + c]) / 4;
    rgb = half; w = nw; h = nh; k *= 2;
  }
  const n = d.size, out = new Uint8Array(n * n * 3);
  for (let v = 0; v < n; v++)
    for (let u = 0; u < n; u++) {
      let [x, y] = chipToImage(d, u, v);
      // Level k holds the average of k x k pixels, centred at k*x + (k-1)/2.
      x = (x - (k - 1) / 2) / k; y = (y - (k - 1) / 2) / k;
      const x0 = Math.floor(x), y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) continue;
      const fx = x - x0, fy = y - y0, o = (v * n + u) * 3;
      for (let c = 0; c < 3; c++) {
        const p = (y0 * w + x0) * 3 + c;
        const top = rgb[p] + (rgb[p + 3] - rgb[p]) * fx;
        const bot = rgb[p + w * 3] + (rgb[p + w * 3 + 3] - rgb[p + w * 3]) * fx;
        out[o + c] = Math.min(255, Math.max(0, Math.round(top + (bot - top) * fy)));
      }
    }
  return { data: out, width: n, height: n, channels: 3 };
}

export interface AlignOptions {
  /** Chip size (default 150, the recognizer's input). */
  size?: number;
  /** dlib's padding around the mean face (default 0.25, as dlib's face recognition example). */
  padding?: number;
}

export function alignFace(image: Image, landmarks: Landmarks, opts: AlignOptions = {}): Image {
  return extractChip(image, faceChipDetails(landmarks, opts.size ?? 150, opts.padding ?? 0.25));
}

/**
 * The face box for LFW-style images (deep-funneled LFW and other face-centred crops): a square of
 * `fraction` of the shorter side, centred, shifted down by `dy` of the side. Tuned on LFW View 1.
 */
export function centralBox(width: number, height: number, fraction = 0.48, dy = 0.04): Box {
  const side = Math.min(width, height) * fraction;
  return { x: (width - side) / 2, y: (height - side) / 2 + dy * Math.min(width, height), width: side, height: side };
}

export interface AlignerOptions extends AlignOptions {
  /** Landmark passes: the first on the given box, each further one on a box fitted to the previous landmarks. */
  passes?: number;
}

/** Landmarks then chip, for a batch of (image, box) pairs. */
export async function alignBatch(detector: LandmarkDetector, items: Array<{ image: Image; box: Box }>, opts: AlignerOptions = {}): Promise<Array<{ chip: Image; landmarks: Landmarks }>> {
  let lms = await detector.detectBatch(items);
  for (let p = 1; p < (opts.passes ?? 1); p++) {
    lms = await detector.detectBatch(items.map(({ image }, i) => ({ image, box: boxFromLandmarks(lms[i]) })));
  }
  return items.map(({ image }, i) => ({ chip: alignFace(image, lms[i], opts), landmarks: lms[i] }));
}
