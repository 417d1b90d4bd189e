// Quantisation in the training loop: what the encoder stores for a code (host/codec/layout.ts), with
// uniform noise U(-delta/2, delta/2) in place of rounding so gradients flow, and the backward pass of
// those linear steps. Also the rate term, a differentiable stand-in for PNG's bits.
//
// rgb:  stored = code + noise, RecNet sees it as it is.
// g420: stored G = c1 + noise (full resolution); D_k = avg2x2(c_k - G) + noise for k = 0, 2 (half
//       resolution, against the noisy G as the encoder uses the decoded c1); RecNet sees
//       (G + up(D_0), G, G + up(D_2)), up = 2x2 replication. Luma only (lumaOnly[b], the bottom of the
//       range): D_0 = D_2 = 0 exactly, so RecNet sees (G, G, G) and c0, c2 get no gradient. At an odd
//       size the edge blocks average the samples they have, as the encoder does.
// pooled (the pooled tier, g420 only): the code's 2x2 means P = pool(code) go through g420 as above at
//       their size, and RecNet sees unpool(stored P) at the code's size (layout.ts poolCode, unpoolCode);
//       the rate term is measured on P's planes.
import { blockCount, codeToPlanes, planesToCode, poolCode, poolCodeAdjoint, storedCodeSize, unpoolCode, type CodeLayout } from '../codec/layout.ts';

export interface Plane {
  /** [n, h, w, ch] */
  data: Float32Array;
  h: number;
  w: number;
  ch: number;
}

export interface NoisyCode {
  /** RecNet's input [n, h, w, 3]. */
  input: Float32Array;
  /** The stored planes (noisy), where the rate term is measured. */
  planes: Plane[];
  /** Gradient w.r.t. the code from the gradients w.r.t. the input and (optionally) the planes. */
  backward(gInput: Float32Array, gPlanes?: Float32Array[]): Float32Array;
}

export function noisyCode(layout: CodeLayout, code: Float32Array, n: number, h: number, w: number, deltas: number[], rand: () => number, lumaOnly: boolean[] = [], pooled = false): NoisyCode {
  if (pooled) return pooledCode(code, n, h, w, (c, ph, pw) => noisyCode('g420', c, n, ph, pw, deltas, rand));
  const hw = h * w;
  const noise = (b: number) => (rand() - 0.5) * deltas[b];
  if (layout === 'rgb') {
    const input = new Float32Array(code.length);
    for (let i = 0; i < code.length; i++) input[i] = code[i] + noise(Math.floor(i / (hw * 3)));
    return {
      input,
      planes: [{ data: input, h, w, ch: 3 }],
      backward: (gInput, gPlanes) => {
        const g = gInput.slice();
        if (gPlanes) for (let i = 0; i < g.length; i++) g[i] += gPlanes[0][i];
        return g;
      },
    };
  }
  const hc = Math.ceil(h / 2), wc = Math.ceil(w / 2);
  const cnt = (y: number, x: number) => blockCount(y, x, h, w);
  const G = new Float32Array(n * hw), D = new Float32Array(n * hc * wc * 2);
  for (let b = 0; b < n; b++) for (let p = 0; p < hw; p++) G[b * hw + p] = code[(b * hw + p) * 3 + 1] + noise(b);
  const di = (b: number, y: number, x: number, k: number) => ((b * hc + y) * wc + x) * 2 + k;
  const ci = (b: number, y: number, x: number) => (b * h + y) * w + x;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < hc && !lumaOnly[b]; y++)
      for (let x = 0; x < wc; x++)
        for (let k = 0; k < 2; k++) {
          let s = 0;
          for (let yy = 2 * y; yy < Math.min(h, 2 * y + 2); yy++) for (let xx = 2 * x; xx < Math.min(w, 2 * x + 2); xx++) s += code[ci(b, yy, xx) * 3 + 2 * k] - G[ci(b, yy, xx)];
          D[di(b, y, x, k)] = s / cnt(2 * y, 2 * x) + noise(b);
        }
  const input = new Float32Array(n * hw * 3);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const p = ci(b, y, x), g = G[p];
        input[p * 3] = g + D[di(b, y >> 1, x >> 1, 0)];
        input[p * 3 + 1] = g;
        input[p * 3 + 2] = g + D[di(b, y >> 1, x >> 1, 1)];
      }
  return {
    input,
    planes: [{ data: G, h, w, ch: 1 }, { data: D, h: hc, w: wc, ch: 2 }],
    backward: (gi, gPlanes) => {
      // Through the input: G feeds all three channels, D_k the replicated block of channel 2k.
      const gG = new Float32Array(n * hw), gD = new Float32Array(D.length);
      for (let b = 0; b < n; b++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const p = ci(b, y, x);
            gG[p] = gi[p * 3] + gi[p * 3 + 1] + gi[p * 3 + 2];
            gD[di(b, y >> 1, x >> 1, 0)] += gi[p * 3];
            gD[di(b, y >> 1, x >> 1, 1)] += gi[p * 3 + 2];
          }
      if (gPlanes) {
        for (let i = 0; i < gG.length; i++) gG[i] += gPlanes[0][i];
        for (let i = 0; i < gD.length; i++) gD[i] += gPlanes[1][i];
      }
      // Through D_k = avg(c_k - G): c_k and G each get gD / cnt (G with a minus sign); G = c1 + noise.
      const g = new Float32Array(code.length);
      for (let b = 0; b < n; b++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const p = ci(b, y, x), chroma = lumaOnly[b] ? 0 : 1; // luma only: the difference planes are constants
            const d0 = (chroma * gD[di(b, y >> 1, x >> 1, 0)]) / cnt(y, x), d1 = (chroma * gD[di(b, y >> 1, x >> 1, 1)]) / cnt(y, x);
            g[p * 3] = d0;
            g[p * 3 + 2] = d1;
            g[p * 3 + 1] = gG[p] - d0 - d1;
          }
      return g;
    },
  };
}

/** The pooled tier around a quantiser `inner` of pooled codes [n, ph, pw, 3]: pool, quantise, unpool, and back. */
function pooledCode(code: Float32Array, n: number, h: number, w: number, inner: (pooled: Float32Array, ph: number, pw: number) => NoisyCode): NoisyCode {
  const { h: ph, w: pw } = storedCodeSize(true, h, w);
  const per = h * w * 3, pper = ph * pw * 3;
  const P = new Float32Array(n * pper);
  for (let b = 0; b < n; b++) P.set(poolCode(code.subarray(b * per, (b + 1) * per), h, w), b * pper);
  const q = inner(P, ph, pw);
  const input = new Float32Array(n * per);
  for (let b = 0; b < n; b++) input.set(unpoolCode(q.input.subarray(b * pper, (b + 1) * pper), h, w), b * per);
  return {
    input,
    planes: q.planes,
    backward: (gInput, gPlanes) => {
      const gP = new Float32Array(n * pper);
      for (let b = 0; b < n; b++) gP.set(unpoolCode(gInput.subarray(b * per, (b + 1) * per), h, w, true), b * pper);
      const gPooled = q.backward(gP, gPlanes);
      const g = new Float32Array(n * per);
      for (let b = 0; b < n; b++) g.set(poolCodeAdjoint(gPooled.subarray(b * pper, (b + 1) * pper), h, w), b * per);
      return g;
    },
  };
}

/**
 * Quantisation as the encoder does it: RecNet's input is the code exactly as the decoder restores it
 * (rounded in the layout, host/codec/layout.ts), and the gradient passes straight through the rounding
 * (the layout's linear steps at zero noise); the planes for the rate term are those linear steps too.
 */
export function roundedCode(layout: CodeLayout, code: Float32Array, n: number, h: number, w: number, deltas: number[], lumaOnly: boolean[] = [], pooled = false): NoisyCode {
  return { ...noisyCode(layout, code, n, h, w, deltas, () => 0.5, lumaOnly, pooled), input: decodedCode(layout, code, n, h, w, deltas, lumaOnly, pooled) };
}

/** Codes [n, h, w, 3] as the decoder restores them: stored in the layout (rounded) and read back; any size. */
export function decodedCode(layout: CodeLayout, code: Float32Array, n: number, h: number, w: number, deltas: number[], lumaOnly: boolean[] = [], pooled = false): Float32Array {
  const out = new Float32Array(code.length), per = h * w * 3;
  for (let b = 0; b < n; b++) {
    const [planes] = codeToPlanes(layout, code.subarray(b * per, (b + 1) * per), h, w, deltas[b], lumaOnly[b], pooled);
    out.set(planesToCode(planes.flags, planes, h, w, deltas[b]), b * per);
  }
  return out;
}

/**
 * Rate proxy over a plane [n, h, w, ch]: mean over samples of log2(1 + |q(x,y) - q(x-1,y)|),
 * q = value / delta (PNG's Sub predictor). Adds mu * its gradient to g and returns the mean bits.
 */
export function rateTerm(p: Plane, deltas: number[], mu: number, g: Float32Array): number {
  const { data, h, w, ch } = p;
  const n = deltas.length, count = h * w * ch;
  let bits = 0;
  for (let b = 0; b < n; b++) {
    const inv = 1 / deltas[b];
    for (let y = 0; y < h; y++)
      for (let x = 1; x < w; x++)
        for (let c = 0; c < ch; c++) {
          const i = ((b * h + y) * w + x) * ch + c, j = i - ch;
          const d = (data[i] - data[j]) * inv;
          const a = Math.abs(d);
          bits += Math.log2(1 + a);
          const gr = (mu * Math.sign(d) * inv) / (Math.LN2 * (1 + a) * count * n);
          g[i] += gr;
          g[j] -= gr;
        }
  }
  return bits / (count * n);
}

/** The rate term over all stored planes, weighted by their share of the samples; returns bits per sample. */
export function rateOfPlanes(planes: Plane[], deltas: number[], mu: number): { bits: number; grads: Float32Array[] } {
  const total = planes.reduce((a, p) => a + p.h * p.w * p.ch, 0);
  let bits = 0;
  const grads = planes.map((p) => {
    const g = new Float32Array(p.data.length);
    const share = (p.h * p.w * p.ch) / total;
    bits += share * rateTerm(p, deltas, mu * share, g);
    return g;
  });
  return { bits, grads };
}
