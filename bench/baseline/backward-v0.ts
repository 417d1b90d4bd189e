// FROZEN COPY of host/train/backward.ts as of 7a53d05, for bench/baseline/tape-v0.ts. Do not edit.
// Reference backward passes (plain TypeScript): for each op, the gradients of a scalar loss with
// respect to its inputs, given the gradient at its output. The oracle for the SIMD backward kernels;
// checked against finite differences in test/train/backward.test.ts.
import { slidingWindow, type Shape } from '../../host/ops/op.ts';
import type { Conv2dAttrs } from '../../host/ops/conv2d.ts';
import type { PoolAttrs } from '../../host/ops/pool.ts';
import type { PadAttrs } from '../../host/ops/pad.ts';
import { bilinearTap } from '../../host/ops/resize_bilinear.ts';
import { forEachPair } from '../../host/ops/depth_to_space.ts';

export interface GradArgs {
  inputs: Float32Array[];
  shapes: Shape[];
  output: Float32Array;
  outShape: Shape;
  attrs: any;
  /** dLoss/dOutput */
  g: Float32Array;
}

/** One gradient per input (undefined where the op has none, e.g. integer-valued rounding). */
export type GradFn = (a: GradArgs) => Array<Float32Array | undefined>;

const like = (x: Float32Array) => new Float32Array(x.length);

/** conv2d: dx = full correlation of g with w (a conv_transpose2d), dw = x^T g per tap, db = sum g. */
export function conv2dGrad({ inputs: [x, w, b], shapes: [xs, ws], outShape, attrs, g }: GradArgs) {
  const a = attrs as Conv2dAttrs;
  const [n, h, wd, cin] = xs;
  const [kh, kw, cpg, cout] = ws;
  const [, oh, ow] = outShape;
  const { top, left } = slidingWindow('conv2d', h, wd, [kh, kw], a.stride, a.padding);
  const opg = cout / a.groups;
  const dx = like(x), dw = like(w);
  const db = b ? new Float32Array(cout) : undefined;
  for (let bi = 0; bi < n; bi++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const gBase = ((bi * oh + oy) * ow + ox) * cout;
        if (db) for (let co = 0; co < cout; co++) db[co] += g[gBase + co];
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * a.stride[0] - top + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * a.stride[1] - left + kx;
            if (ix < 0 || ix >= wd) continue;
            const xBase = ((bi * h + iy) * wd + ix) * cin;
            const wBase = (ky * kw + kx) * cpg * cout;
            for (let gr = 0; gr < a.groups; gr++)
              for (let ci = 0; ci < cpg; ci++) {
                const xi = xBase + gr * cpg + ci, wRow = wBase + ci * cout;
                let s = 0;
                const xv = x[xi];
                for (let co = gr * opg; co < (gr + 1) * opg; co++) {
                  s += g[gBase + co] * w[wRow + co];
                  dw[wRow + co] += xv * g[gBase + co];
                }
                dx[xi] += s;
              }
          }
        }
      }
  return [dx, dw, db];
}

const elementwise = (f: (x: number, y: number, g: number) => number): GradFn => ({ inputs: [x], output, g }) => {
  const dx = like(x);
  for (let i = 0; i < x.length; i++) dx[i] = f(x[i], output[i], g[i]);
  return [dx];
};

export const GRADS: Record<string, GradFn> = {
  conv2d: conv2dGrad,
  relu: elementwise((x, _y, g) => (x > 0 ? g : 0)),
  leaky_relu: (a) => elementwise((x, _y, g) => (x > 0 ? g : a.attrs.alpha * g))(a),
  tanh: elementwise((_x, y, g) => g * (1 - y * y)),
  sigmoid: elementwise((_x, y, g) => g * y * (1 - y)),
  clamp: (a) => elementwise((x, _y, g) => (x >= a.attrs.min && x <= a.attrs.max ? g : 0))(a),
  // Straight-through: rounding passes the gradient unchanged (quantisation in the loop).
  round: ({ g }) => [g.slice()],
  add: ({ g }) => [g.slice(), g.slice()],
  mul: ({ inputs: [a, b], g }) => [g.map((v, i) => v * b[i]), g.map((v, i) => v * a[i])],
  bias: ({ shapes: [xs], g }) => [g.slice(), channelSum(g, xs[xs.length - 1])],
  affine: ({ inputs: [x, s], shapes: [xs], g }) => {
    const c = xs[xs.length - 1];
    const dx = like(x), ds = new Float32Array(c), dt = channelSum(g, c);
    for (let i = 0; i < x.length; i++) {
      dx[i] = g[i] * s[i % c];
      ds[i % c] += g[i] * x[i];
    }
    return [dx, ds, dt];
  },
  prelu: ({ inputs: [x, s], shapes: [xs], g }) => {
    const c = xs[xs.length - 1];
    const dx = like(x), ds = new Float32Array(c);
    for (let i = 0; i < x.length; i++) {
      dx[i] = x[i] > 0 ? g[i] : s[i % c] * g[i];
      if (x[i] <= 0) ds[i % c] += g[i] * x[i];
    }
    return [dx, ds];
  },
  maxpool: poolGrad('max'),
  avgpool: poolGrad('avg'),
  global_mean: ({ inputs: [x], shapes: [[n, h, w, c]], g }) => {
    const dx = like(x);
    for (let i = 0; i < x.length; i++) {
      const b = Math.floor(i / (h * w * c));
      dx[i] = g[b * c + (i % c)] / (h * w);
    }
    return [dx];
  },
  dense: ({ inputs: [x, w, b], shapes: [[n, k], [, m]], g }) => {
    const dx = like(x), dw = like(w);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) {
          s += g[r * m + j] * w[i * m + j];
          dw[i * m + j] += x[r * k + i] * g[r * m + j];
        }
        dx[r * k + i] = s;
      }
    return [dx, dw, b ? channelSum(g, m) : undefined];
  },
  pad: ({ inputs: [x], shapes: [[n, h, w, c]], outShape: [, oh, ow, oc], attrs, g }) => {
    const { pads: [t, , l], channels: [cb] } = attrs as PadAttrs;
    const dx = like(x);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) {
          const src = ((b * oh + y + t) * ow + xx + l) * oc + cb;
          dx.set(g.subarray(src, src + c), ((b * h + y) * w + xx) * c);
        }
    return [dx];
  },
  concat: ({ shapes, outShape, g }) => {
    const oc = outShape[outShape.length - 1];
    let off = 0;
    return shapes.map((s) => {
      const c = s[s.length - 1];
      const d = new Float32Array(s.reduce((p, q) => p * q, 1));
      for (let p = 0; p < d.length / c; p++) d.set(g.subarray(p * oc + off, p * oc + off + c), p * c);
      off += c;
      return d;
    });
  },
  slice: ({ inputs: [x], shapes: [xs], attrs: { start, end }, g }) => {
    const c = xs[xs.length - 1], oc = end - start;
    const dx = like(x);
    for (let p = 0; p < x.length / c; p++) dx.set(g.subarray(p * oc, (p + 1) * oc), p * c + start);
    return [dx];
  },
  // Both are permutations: the gradient is the inverse permutation of g.
  depth_to_space: ({ inputs: [x], shapes: [xs], attrs: { block }, g }) => {
    const dx = like(x);
    forEachPair(xs, block, (d, s) => (dx[d] = g[s]));
    return [dx];
  },
  space_to_depth: ({ inputs: [x], outShape, attrs: { block }, g }) => {
    const dx = like(x);
    forEachPair(outShape, block, (d, s) => (dx[s] = g[d]));
    return [dx];
  },
  resize_bilinear: ({ inputs: [x], shapes: [[n, h, w, c]], outShape: [, oh, ow], g }) => {
    const dx = like(x);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++) {
        const [y0, y1, fy] = bilinearTap(oy, h, oh);
        for (let ox = 0; ox < ow; ox++) {
          const [x0, x1, fx] = bilinearTap(ox, w, ow);
          const o = ((b * oh + oy) * ow + ox) * c;
          const at = (y: number, xx: number) => ((b * h + y) * w + xx) * c;
          for (let ch = 0; ch < c; ch++) {
            const gv = g[o + ch];
            dx[at(y0, x0) + ch] += gv * (1 - fx) * (1 - fy);
            dx[at(y0, x1) + ch] += gv * fx * (1 - fy);
            dx[at(y1, x0) + ch] += gv * (1 - fx) * fy;
            dx[at(y1, x1) + ch] += gv * fx * fy;
          }
        }
      }
    return [dx];
  },
};

function channelSum(g: Float32Array, c: number): Float32Array {
  const s = new Float32Array(c);
  for (let i = 0; i < g.length; i++) s[i % c] += g[i];
  return s;
}

function poolGrad(kind: 'max' | 'avg'): GradFn {
  return ({ inputs: [x], shapes: [[n, h, w, c]], outShape: [, oh, ow], attrs, g }) => {
    const a = attrs as PoolAttrs;
    const { top, left } = slidingWindow('pool', h, w, a.kernel, a.stride, a.padding);
    const dx = like(x);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const y0 = Math.max(oy * a.stride[0] - top, 0), y1 = Math.min(oy * a.stride[0] - top + a.kernel[0], h);
          const x0 = Math.max(ox * a.stride[1] - left, 0), x1 = Math.min(ox * a.stride[1] - left + a.kernel[1], w);
          for (let ch = 0; ch < c; ch++) {
            const gv = g[((b * oh + oy) * ow + ox) * c + ch];
            if (kind === 'avg') {
              const share = gv / ((y1 - y0) * (x1 - x0));
              for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) dx[((b * h + y) * w + xx) * c + ch] += share;
            } else {
              // The first maximum takes the gradient (ties are measure-zero for real data).
              let best = -Infinity, at = -1;
              for (let y = y0; y < y1; y++)
                for (let xx = x0; xx < x1; xx++) {
                  const i = ((b * h + y) * w + xx) * c + ch;
                  if (x[i] > best) {
                    best = x[i];
                    at = i;
                  }
                }
              dx[at] += gv;
            }
          }
        }
    return [dx];
  };
}
