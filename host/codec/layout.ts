// How the compact code [h, w, 3] becomes the samples of the grayscale PNG, and back.
//
// 'rgb' (models v1, v2): the three code channels as three stacked planes (width w, height 3h), each
//   sample q = round(code / delta) in 0..M, M = round(255 / delta); optionally decorrelated as
//   (c1, c0 - c1 + M, c2 - c1 + M), whichever PNG is smaller (header flag bit 0).
// 'g420' (model v3 on): channel 1 at full resolution, channels 0 and 2 as differences to the decoded
//   channel 1, averaged over 2x2 blocks (like 4:2:0 chroma), so they cost a quarter of the samples.
//   Image width 2*ceil(w/2), height h + ceil(h/2): the c1 plane on top (its last column repeated when
//   w is odd), below it the two difference planes side by side, each sample round(d / delta) + M.
//   The differences are taken against the *decoded* c1 (closed loop), so c1's quantisation error does
//   not leak into c0 and c2 beyond what averaging leaves. Header flag bit 1.
//   Luma only (header flag bit 2, with bit 1; the bottom of a model's quality range, where its
//   contract's lumaOnlyAbove says): the c1 plane alone, W x h; the decoder takes c0 = c2 = c1 and
//   RecNet, trained for it, restores the colour.
//   Pooled (header flag bit 3, with bit 1; the bottom of the range of a model whose contract has a
//   pooled tier): the code [h, w, 3] averaged over 2x2 blocks to [ceil(h/2), ceil(w/2), 3] (poolCode)
//   and stored in the g420 layout at that size, so the luma samples sit at 1/8 of the image's
//   resolution and the chroma differences at 1/16; decode lays the dequantised pooled code back out
//   at [h, w] by bilinear interpolation (unpoolCode) for RecNet. A quarter of the samples, at a finer step.
// The trainer simulates exactly these steps with uniform noise in place of rounding (host/train/code-noise.ts).
import { CodecError } from './png.ts';

export type CodeLayout = 'rgb' | 'g420';
export const CODE_LAYOUTS: CodeLayout[] = ['rgb', 'g420'];

export const FLAG_DECORRELATED = 1;
export const FLAG_G420 = 2;
export const FLAG_LUMA_ONLY = 4;
export const FLAG_POOLED = 8;
export const isLumaOnly = (flags: number) => (flags & FLAG_LUMA_ONLY) !== 0;
export const isPooled = (flags: number) => (flags & FLAG_POOLED) !== 0;
/** The size of the code a file stores for a code of h x w: h x w, or pooled ceil(h/2) x ceil(w/2). */
export const storedCodeSize = (pooled: boolean, h: number, w: number) => (pooled ? { h: Math.ceil(h / 2), w: Math.ceil(w / 2) } : { h, w });

/** How many positions of an h x w code share the 2x2 block of position (y, x): 4, fewer at an odd edge. */
export const blockCount = (y: number, x: number, h: number, w: number) => (Math.min(h, (y & ~1) + 2) - (y & ~1)) * (Math.min(w, (x & ~1) + 2) - (x & ~1));

/** The 2x2 block means of a code [h, w, 3] (partial blocks at an odd edge average what they have): [ceil(h/2), ceil(w/2), 3]. */
export function poolCode(code: Float32Array, h: number, w: number): Float32Array {
  const { h: ph, w: pw } = storedCodeSize(true, h, w);
  const out = new Float32Array(ph * pw * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const cnt = blockCount(y, x, h, w);
      for (let c = 0; c < 3; c++) out[((y >> 1) * pw + (x >> 1)) * 3 + c] += code[(y * w + x) * 3 + c] / cnt;
    }
  return out;
}

/** poolCode's adjoint: the gradient w.r.t. the code [h, w, 3] from that w.r.t. the pooled code. */
export function poolCodeAdjoint(g: Float32Array, h: number, w: number): Float32Array {
  const { w: pw } = storedCodeSize(true, h, w);
  const out = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const cnt = blockCount(y, x, h, w);
      for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = g[((y >> 1) * pw + (x >> 1)) * 3 + c] / cnt;
    }
  return out;
}

/** Source row (or column) and weight of bilinear x2 upsampling with half-pixel centres, clamped at the edges. */
function taps(i: number, n: number): [number, number, number] {
  const f = Math.min(n - 1, Math.max(0, (i + 0.5) / 2 - 0.5));
  const i0 = Math.floor(f);
  return [i0, Math.min(n - 1, i0 + 1), f - i0];
}

/**
 * A pooled code [ceil(h/2), ceil(w/2), 3] laid out at [h, w, 3] by bilinear interpolation; with
 * `adjoint`, the transpose (the gradient w.r.t. the pooled code from that w.r.t. the result).
 */
export function unpoolCode(p: Float32Array, h: number, w: number, adjoint = false): Float32Array {
  const { h: ph, w: pw } = storedCodeSize(true, h, w);
  const out = new Float32Array(adjoint ? ph * pw * 3 : h * w * 3);
  for (let y = 0; y < h; y++) {
    const [y0, y1, ay] = taps(y, ph);
    for (let x = 0; x < w; x++) {
      const [x0, x1, ax] = taps(x, pw);
      const src: Array<[number, number]> = [[y0 * pw + x0, (1 - ay) * (1 - ax)], [y0 * pw + x1, (1 - ay) * ax], [y1 * pw + x0, ay * (1 - ax)], [y1 * pw + x1, ay * ax]];
      for (let c = 0; c < 3; c++) {
        const o = (y * w + x) * 3 + c;
        for (const [s, wt] of src) {
          if (adjoint) out[s * 3 + c] += wt * p[o];
          else out[o] += wt * p[s * 3 + c];
        }
      }
    }
  }
  return out;
}

export const bitDepthFor = (maxValue: number) => (maxValue < 2 ? 1 : maxValue < 4 ? 2 : maxValue < 16 ? 4 : 8);

export interface Planes {
  flags: number;
  width: number;
  height: number;
  samples: Uint8Array;
  /** Largest sample value the layout allows at this step (the bit depth follows from it). */
  maxSample: number;
}

const clampRound = (v: number, max: number) => Math.min(max, Math.max(0, Math.round(v)));

export const layoutOf = (flags: number): CodeLayout => (flags & FLAG_G420 ? 'g420' : 'rgb');

/** Largest sample value a file with these header flags may hold at step delta (sets the bit depth). */
export function maxSample(flags: number, delta: number): number {
  const M = Math.round(255 / delta);
  return (layoutOf(flags) === 'rgb' && !(flags & FLAG_DECORRELATED)) || isLumaOnly(flags) ? M : 2 * M;
}

/** The planes of the PNG image for a code of h x w, as rectangles [x0, y0, width, height]. */
export function planeRects(layout: CodeLayout, h: number, w: number, lumaOnly = false): Array<[number, number, number, number]> {
  if (layout === 'rgb') return [[0, 0, w, h], [0, h, w, h], [0, 2 * h, w, h]];
  const hc = Math.ceil(h / 2), wc = Math.ceil(w / 2);
  return lumaOnly ? [[0, 0, 2 * wc, h]] : [[0, 0, 2 * wc, h], [0, h, wc, hc], [wc, h, wc, hc]];
}

/** The PNG rows where a new plane starts (below the first): the writer's candidate block splits. */
export function planeStartRows(layout: CodeLayout, h: number, w: number, lumaOnly = false): number[] {
  return [...new Set(planeRects(layout, h, w, lumaOnly).map(([, y]) => y).filter((y) => y > 0))];
}

/** Image size of the PNG of a file with these header flags for a code of h x w (pooled or not). */
export function filePlaneSize(flags: number, h: number, w: number): { width: number; height: number } {
  const s = storedCodeSize(isPooled(flags), h, w);
  return planeSize(layoutOf(flags), s.h, s.w, isLumaOnly(flags));
}

/** Image size of the PNG for a code of h x w. */
export function planeSize(layout: CodeLayout, h: number, w: number, lumaOnly = false): { width: number; height: number } {
  const rects = planeRects(layout, h, w, lumaOnly);
  return { width: Math.max(...rects.map(([x, , rw]) => x + rw)), height: Math.max(...rects.map(([, y, , rh]) => y + rh)) };
}

/**
 * Sample variants for one code [h, w, 3] (the encoder keeps whichever PNG is smallest); lumaOnly:
 * g420's c1 plane alone; pooled: the code's 2x2 means in g420 (poolCode).
 */
export function codeToPlanes(layout: CodeLayout, code: Float32Array, h: number, w: number, delta: number, lumaOnly = false, pooled = false): Planes[] {
  if (pooled) {
    if (layout !== 'g420' || lumaOnly) throw new CodecError('a pooled code is stored in the g420 layout with all its planes');
    const s = storedCodeSize(true, h, w);
    return codeToPlanes('g420', poolCode(code, h, w), s.h, s.w, delta).map((p) => ({ ...p, flags: p.flags | FLAG_POOLED }));
  }
  const M = Math.round(255 / delta);
  const n = h * w;
  if (layout === 'rgb') {
    const q = new Uint8Array(3 * n); // channel-major planes
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) q[c * n + p] = clampRound(code[p * 3 + c] / delta, M);
    const diff = new Uint8Array(3 * n);
    for (let p = 0; p < n; p++) {
      diff[p] = q[n + p];
      diff[n + p] = q[p] - q[n + p] + M;
      diff[2 * n + p] = q[2 * n + p] - q[n + p] + M;
    }
    return [
      { flags: 0, width: w, height: 3 * h, samples: q, maxSample: maxSample(0, delta) },
      { flags: FLAG_DECORRELATED, width: w, height: 3 * h, samples: diff, maxSample: maxSample(FLAG_DECORRELATED, delta) },
    ];
  }
  const { width: W, height: H } = planeSize(layout, h, w, lumaOnly);
  const hc = lumaOnly ? 0 : Math.ceil(h / 2), wc = W / 2;
  const out = new Uint8Array(W * H);
  const g = new Float32Array(n); // decoded c1
  for (let y = 0; y < h; y++)
    for (let x = 0; x < W; x++) {
      const q = clampRound(code[(y * w + Math.min(x, w - 1)) * 3 + 1] / delta, M);
      out[y * W + x] = q;
      if (x < w) g[y * w + x] = q * delta;
    }
  for (let yc = 0; yc < hc; yc++)
    for (let xc = 0; xc < wc; xc++)
      for (const [k, c] of [[0, 0], [1, 2]]) {
        let s = 0, cnt = 0;
        for (let y = 2 * yc; y < Math.min(h, 2 * yc + 2); y++)
          for (let x = 2 * xc; x < Math.min(w, 2 * xc + 2); x++, cnt++) s += code[(y * w + x) * 3 + c] - g[y * w + x];
        out[(h + yc) * W + k * wc + xc] = clampRound(s / cnt / delta + M, 2 * M);
      }
  const flags = lumaOnly ? FLAG_G420 | FLAG_LUMA_ONLY : FLAG_G420;
  return [{ flags, width: W, height: H, samples: out, maxSample: maxSample(flags, delta) }];
}

/** The dequantised code [h, w, 3] from the PNG samples; checks every sample against the layout. */
export function planesToCode(flags: number, img: { width: number; height: number; samples: Uint8Array }, h: number, w: number, delta: number): Float32Array {
  if (isPooled(flags)) {
    const s = storedCodeSize(true, h, w);
    return unpoolCode(planesToCode(flags & ~FLAG_POOLED, img, s.h, s.w, delta), h, w);
  }
  const M = Math.round(255 / delta);
  const layout = layoutOf(flags), luma = isLumaOnly(flags);
  const { width: W, height: H } = planeSize(layout, h, w, luma);
  if (img.width !== W || img.height !== H) throw new CodecError(`PNG is ${img.width}x${img.height} but a ${w}x${h} code in layout ${layout} needs ${W}x${H}`);
  const s = img.samples;
  const code = new Float32Array(h * w * 3);
  const bad = () => new CodecError(`sample out of range for step ${delta.toFixed(2)}`);
  if (layout === 'rgb') {
    const n = h * w, decorrelated = (flags & FLAG_DECORRELATED) !== 0;
    const max = maxSample(flags, delta);
    for (let p = 0; p < n; p++) {
      const s0 = s[p], s1 = s[n + p], s2 = s[2 * n + p];
      if (s0 > max || s1 > max || s2 > max) throw bad();
      const q = decorrelated ? [s1 + s0 - M, s0, s2 + s0 - M] : [s0, s1, s2];
      for (let c = 0; c < 3; c++) {
        if (q[c] < 0 || q[c] > M) throw bad();
        code[p * 3 + c] = q[c] * delta;
      }
    }
    return code;
  }
  const wc = W / 2;
  for (let i = 0; i < W * h; i++) if (s[i] > M) throw bad();
  for (let i = W * h; i < W * H; i++) if (s[i] > 2 * M) throw bad();
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const g = s[y * W + x] * delta;
      const row = (h + (y >> 1)) * W;
      code[(y * w + x) * 3 + 1] = g;
      code[(y * w + x) * 3] = luma ? g : g + (s[row + (x >> 1)] - M) * delta;
      code[(y * w + x) * 3 + 2] = luma ? g : g + (s[row + wc + (x >> 1)] - M) * delta;
    }
  return code;
}
