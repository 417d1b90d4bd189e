// The residual tier: at the highest qualities a file also carries, in the private ancillary chunk
// "fcRs", what RecNet's restoration misses of the original, quantised. Decode adds it to RecNet's
// output. A PNG reader ignores the chunk; a file without it decodes exactly as before.
//
// Chunk data (version 1):
//   byte 0  version (1) << 4 | flags (bit 0: chroma at half resolution, bit 1: MED prediction)
//   byte 1  luma step x 4 (1..255: steps 0.25..63.75)
//   byte 2  chroma step x 4
//   byte 3  the quality the file was encoded at (1..100; informational: the code's own quality is fcHd's)
//   then a zlib stream of three planes, Y (width x height), then Co and Cg (half or full resolution),
//   each sample one byte: the quantised value (int8) minus its prediction, mod 256 (PNG's way).
// The colour transform (on the residual, in floats): Y = (R + 2G + B) / 4, Co = (R - B) / 2,
// Cg = (2G - R - B) / 4; half-resolution chroma is the 2x2 mean, restored by repetition.
import { zlibSync } from 'fflate';
import { CodecError } from './errors.ts';
import { inflateExact } from './inflate.ts';

export const RESIDUAL_CHUNK = 'fcRs';
const VERSION = 1;
const FLAG_HALF_CHROMA = 1, FLAG_MED = 2;
const HEAD = 4;
/** Quantisation offset toward zero (a dead zone): |r| / step is rounded down below 0.5 + DEAD_ZONE. */
export const DEAD_ZONE = 0.1;

export interface ResidualSteps {
  /** Quantisation steps of the luma and of the chroma planes (multiples of 1/4, 0.25..63.75). */
  luma: number;
  chroma: number;
}

export interface ResidualInfo extends ResidualSteps {
  /** The quality asked of the encoder (the residual tier's). */
  quality: number;
  halfChroma: boolean;
  predictor: 'MED' | 'none';
  /** The chunk's data length. */
  bytes: number;
}

interface PlaneDims {
  w: number;
  h: number;
}

function planeDims(width: number, height: number, halfChroma: boolean): PlaneDims[] {
  const c = halfChroma ? { w: Math.ceil(width / 2), h: Math.ceil(height / 2) } : { w: width, h: height };
  return [{ w: width, h: height }, c, c];
}

/** MED (LOCO-I) prediction from the left, upper and upper-left neighbours (0 outside the plane). */
function med(q: Int8Array, at: number, x: number, y: number, w: number): number {
  const a = x > 0 ? q[at - 1] : 0, b = y > 0 ? q[at - w] : 0, c = x > 0 && y > 0 ? q[at - w - 1] : 0;
  return c >= Math.max(a, b) ? Math.min(a, b) : c <= Math.min(a, b) ? Math.max(a, b) : a + b - c;
}

/** The residual (original - restored, both [height, width, 3] from index 0, row stride `stride` pixels) as Y, Co, Cg planes. */
function toYCoCg(original: ArrayLike<number>, restored: ArrayLike<number>, width: number, height: number, stride: number, halfChroma: boolean): Float32Array[] {
  const [dy, dc] = planeDims(width, height, halfChroma);
  const Y = new Float32Array(dy.w * dy.h), Co = new Float32Array(dc.w * dc.h), Cg = new Float32Array(dc.w * dc.h), n = new Float32Array(dc.w * dc.h);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3, p = (y * stride + x) * 3;
      const r = original[o] - restored[p], g = original[o + 1] - restored[p + 1], b = original[o + 2] - restored[p + 2];
      Y[y * width + x] = (r + 2 * g + b) / 4;
      const c = halfChroma ? (y >> 1) * dc.w + (x >> 1) : y * width + x;
      Co[c] += (r - b) / 2;
      Cg[c] += (2 * g - r - b) / 4;
      n[c]++;
    }
  for (let i = 0; i < n.length; i++) {
    Co[i] /= n[i];
    Cg[i] /= n[i];
  }
  return [Y, Co, Cg];
}

const quantise = (v: number, step: number, deadZone: number) => {
  const m = Math.floor(Math.abs(v) / step + 0.5 - deadZone);
  return m <= 0 ? 0 : Math.sign(v) * Math.min(127, m);
};

/** The predicted bytes of one plane's quantised values. */
function predicted(q: Int8Array, d: PlaneDims, useMed: boolean, out: Uint8Array, at: number): void {
  for (let y = 0; y < d.h; y++)
    for (let x = 0; x < d.w; x++) {
      const i = y * d.w + x;
      out[at + i] = (q[i] - (useMed ? med(q, i, x, y, d.w) : 0)) & 0xff;
    }
}

export interface ResidualInput {
  /** The original image [height, width, 3], 0..255. */
  original: ArrayLike<number>;
  /** What the decoder restores before the residual: [.., stride, 3] with the image at the top left. */
  restored: ArrayLike<number>;
  width: number;
  height: number;
  stride: number;
  steps: ResidualSteps;
  /** The quality asked of the encoder, 1..100 (recorded for `facecodec info`). */
  quality: number;
  /** Encoder choices the chunk's reader does not need (defaults: DEAD_ZONE, half-resolution chroma). */
  deadZone?: number;
  halfChroma?: boolean;
}

/** The fcRs chunk data for one image: both predictors tried, the smaller stream kept. */
export function encodeResidual(r: ResidualInput): Uint8Array {
  const halfChroma = r.halfChroma ?? true, deadZone = r.deadZone ?? DEAD_ZONE;
  const luma = checkStep(r.steps.luma), chroma = checkStep(r.steps.chroma);
  if (!Number.isInteger(r.quality) || r.quality < 1 || r.quality > 100) throw new CodecError(`residual quality must be an integer 1..100, got ${r.quality}`);
  const dims = planeDims(r.width, r.height, halfChroma);
  const planes = toYCoCg(r.original, r.restored, r.width, r.height, r.stride, halfChroma);
  const q = planes.map((p, k) => Int8Array.from(p, (v) => quantise(v, k === 0 ? luma : chroma, deadZone)));
  let best: Uint8Array | undefined;
  for (const useMed of [true, false]) {
    const raw = new Uint8Array(dims.reduce((a, d) => a + d.w * d.h, 0));
    let at = 0;
    q.forEach((p, k) => {
      predicted(p, dims[k], useMed, raw, at);
      at += dims[k].w * dims[k].h;
    });
    const z = zlibSync(raw, { level: 9 });
    const out = new Uint8Array(HEAD + z.length);
    out.set([(VERSION << 4) | (halfChroma ? FLAG_HALF_CHROMA : 0) | (useMed ? FLAG_MED : 0), luma * 4, chroma * 4, r.quality]);
    out.set(z, HEAD);
    if (!best || out.length < best.length) best = out;
  }
  return best!;
}

function checkStep(step: number): number {
  const s = Math.round(step * 4) / 4;
  if (!(s >= 0.25 && s <= 63.75)) throw new CodecError(`residual step ${step} is outside 0.25..63.75`);
  return s;
}

/** The most bytes an fcRs chunk of a width x height image may have: its planes stored uncompressed, plus framing. */
export function maxResidualBytes(width: number, height: number): number {
  const raw = planeDims(width, height, false).reduce((a, d) => a + d.w * d.h, 0);
  return HEAD + 6 + raw + 5 * Math.ceil(raw / 65535 + 1);
}

/** Reads an fcRs chunk: its settings and the dequantised residual [height, width, 3] in RGB. */
export function decodeResidual(data: Uint8Array, width: number, height: number): { info: ResidualInfo; rgb: Float32Array } {
  if (data.length > maxResidualBytes(width, height)) throw new CodecError(`corrupt facecodec PNG: ${RESIDUAL_CHUNK} chunk is ${data.length} bytes, over the ${maxResidualBytes(width, height)} a ${width}x${height} residual can need`);
  if (data.length < HEAD + 6) throw new CodecError(`corrupt facecodec PNG: ${RESIDUAL_CHUNK} chunk is ${data.length} bytes, too short`);
  if (data[0] >> 4 !== VERSION) throw new CodecError(`unsupported ${RESIDUAL_CHUNK} chunk version ${data[0] >> 4} (this build reads version ${VERSION})`);
  if (data[0] & 15 & ~(FLAG_HALF_CHROMA | FLAG_MED)) throw new CodecError(`corrupt facecodec PNG: unknown ${RESIDUAL_CHUNK} flags ${data[0] & 15}`);
  if (data[1] === 0 || data[2] === 0) throw new CodecError(`corrupt facecodec PNG: ${RESIDUAL_CHUNK} declares a zero step`);
  if (data[3] < 1 || data[3] > 100) throw new CodecError(`corrupt facecodec PNG: ${RESIDUAL_CHUNK} quality ${data[3]} is out of range`);
  const halfChroma = (data[0] & FLAG_HALF_CHROMA) !== 0, useMed = (data[0] & FLAG_MED) !== 0;
  const info: ResidualInfo = { luma: data[1] / 4, chroma: data[2] / 4, quality: data[3], halfChroma, predictor: useMed ? 'MED' : 'none', bytes: data.length };
  const dims = planeDims(width, height, halfChroma);
  const size = dims.reduce((a, d) => a + d.w * d.h, 0);
  // Deflate expands at most 1032:1, so a shorter stream cannot hold the planes: refused before allocating them.
  if ((data.length - HEAD) * 1032 < size) throw new CodecError(`corrupt facecodec PNG: ${RESIDUAL_CHUNK} chunk is ${data.length} bytes, too short for a ${width}x${height} residual`);
  let raw: Uint8Array;
  try {
    raw = inflateExact(data.subarray(HEAD), size);
  } catch (e) {
    throw e instanceof CodecError ? new CodecError(`${RESIDUAL_CHUNK} chunk: ${e.message}`) : e;
  }
  let at = 0;
  const [Y, Co, Cg] = dims.map((d, k) => {
    const q = new Int8Array(d.w * d.h);
    for (let y = 0; y < d.h; y++)
      for (let x = 0; x < d.w; x++) {
        const i = y * d.w + x;
        q[i] = raw[at + i] + (useMed ? med(q, i, x, y, d.w) : 0); // Int8Array wraps mod 256
      }
    at += d.w * d.h;
    const step = k === 0 ? info.luma : info.chroma;
    return Float32Array.from(q, (v) => v * step);
  });
  const rgb = new Float32Array(width * height * 3), cw = dims[1].w;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const c = halfChroma ? (y >> 1) * cw + (x >> 1) : y * width + x;
      const t = Y[y * width + x] - Cg[c], o = (y * width + x) * 3;
      rgb[o] = t + Co[c];
      rgb[o + 1] = Y[y * width + x] + Cg[c];
      rgb[o + 2] = t - Co[c];
    }
  return { info, rgb };
}
