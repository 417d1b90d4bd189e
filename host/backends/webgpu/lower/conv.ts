// conv2d, conv_transpose2d, dense and the weight-side backward ops (conv2d_grad_weight,
// weight_transpose): wgsl/conv2d*.wgsl, conv_transpose2d.wgsl, dense.wgsl, weight_transpose.wgsl.
import type { Step } from '../../../executor/plan.ts';
import { conv2d, type Conv2dAttrs } from '../../../ops/conv2d.ts';
import { conv2dGradWeight } from '../../../ops/conv2d_grad_weight.ts';
import { convTranspose2d } from '../../../ops/conv_transpose2d.ts';
import { dense } from '../../../ops/dense.ts';
import { weightTranspose } from '../../../ops/weight_transpose.ts';
import { dispatch, grid1d, lowering, splitYZ, windowParams, type Dispatch, type KernelOptions, type Placement } from './common.ts';
import { channelSumDispatch, MAX_SPLITS } from './elementwise.ts';
import { epilogueOf, weightOperand } from './head.ts';

/** Below this many output pixels a dense conv runs on the direct (one output per invocation) kernel. */
export const SMALL_M = 32;

/** conv2d: grouped (depthwise included), direct (naive, or few output pixels) or the tiled implicit GEMM. */
function lowerConv2d(step: Step, attrs: Conv2dAttrs, at: Placement, opts: KernelOptions): Dispatch[] {
  const [x, w] = step.inputs;
  const [n, h, wd, cin] = x.shape;
  const [, , cpg, cout] = w.shape;
  const [, oh, ow] = step.output.shape;
  const win = windowParams(step);
  const ep = epilogueOf(step, cout, at);
  const wop = weightOperand(w, at);
  const io = { xo: at.off(x), wo: wop.wo, yo: at.off(step.output), h, w: wd, cin, oh, ow, cout, ...win, ...ep.params };
  const common = { weights: wop.weights, scaleShift: ep.scaleShift };
  const overrides = { ...ep.overrides, W_ARENA: wop.W_ARENA };
  if (attrs.groups > 1) {
    const total = n * oh * ow * Math.ceil(cout / 4);
    const vec = attrs.groups === cin && cout === cin && cin % 4 === 0;
    const params = { ...io, total, cpg, opg: cout / attrs.groups };
    return [dispatch('conv2d_grouped', params, { overrides: { ...overrides, VEC: vec }, ...common, groups: grid1d(total) })];
  }
  // Fewer than 32 output pixels (the recognizer's last 3x3 and 1x1 layers): a 64-pixel tile would be
  // mostly empty and its K walk serial over a handful of workgroups, so the direct kernel, with
  // one invocation per output, is faster there (measured on lavapipe: bench/webgpu-kernels.ts).
  if (opts.conv === 'naive' || n * oh * ow < SMALL_M) {
    const total = n * oh * ow * cout;
    return [dispatch('conv2d_naive', { ...io, total }, { overrides, ...common, groups: grid1d(total) })];
  }
  const m = n * oh * ow, k = win.kh * win.kw * cin;
  const BM = 64, BN = cout > 32 ? 64 : 32;
  const [ty, tz] = splitYZ(Math.ceil(m / BM));
  const pointwise = win.kh === 1 && win.kw === 1 && win.sy === 1 && win.sx === 1 && win.top === 0 && win.left === 0 && oh === h && ow === wd;
  return [dispatch('conv2d', { ...io, m, k, tiles_y: ty }, {
    overrides: { ...overrides, BM, BN, VEC_X: cin % 4 === 0, VEC_W: cout % 4 === 0, POINTWISE: pointwise }, ...common,
    groups: [Math.ceil(cout / BN), ty, tz],
  })];
}

/** conv2d_grad_weight: enough workgroups to fill a large GPU, each split at least this many pixels. */
const TARGET_GROUPS = 256, MIN_SPLIT_PIXELS = 256;

/**
 * conv2d_grad_weight tiling: TN output channels (the widest of 32, 16, 4 that the layer fills: a wide tile
 * reuses each staged value more), TK = 1024 / TN rows of K (64 invocations), BM pixels per slice (A and G
 * slices within 16 KB of workgroup memory), and the splits of M.
 */
function gradWeightTiling(step: Step) {
  const [n, , , cin] = step.inputs[0].shape;
  const [, oh, ow, cout] = step.inputs[1].shape;
  const { kh, kw } = windowParams(step);
  const TN = cout <= 4 ? 4 : cout <= 16 ? 16 : 32;
  const TK = 1024 / TN, BM = TK === 256 ? 8 : 32;
  const m = n * oh * ow, k = kh * kw * cin;
  const tiles = Math.ceil(cout / TN) * Math.ceil(k / TK);
  const splits = Math.max(1, Math.min(MAX_SPLITS, Math.ceil(TARGET_GROUPS / tiles), Math.floor(m / MIN_SPLIT_PIXELS)));
  const chunk = Math.ceil(m / splits / BM) * BM;
  return { TK, TN, BM, splits: Math.ceil(m / chunk), chunk, m, k };
}

/** dW = im2col(x)^T g: one tiled dispatch, or one per split into the scratch region plus their channel_sum. */
function lowerConvGradWeight(step: Step, _attrs: unknown, at: Placement): Dispatch[] {
  const [x, g] = step.inputs;
  const [, h, w, cin] = x.shape;
  const [, oh, ow, cout] = g.shape;
  const t = gradWeightTiling(step);
  const yo = at.off(step.output);
  const params = { xo: at.off(x), go: at.off(g), yo: t.splits > 1 ? at.scratch : yo, h, w, cin, oh, ow, cout, ...windowParams(step), m: t.m, k: t.k, chunk: t.chunk };
  const grad = dispatch('conv2d_grad_weight', params, {
    overrides: { TK: t.TK, TN: t.TN, BM: t.BM, VEC_X: cin % 4 === 0, VEC_G: cout % 4 === 0 },
    groups: [Math.ceil(cout / t.TN), Math.ceil(t.k / t.TK), t.splits],
  });
  if (t.splits === 1) return [grad];
  return [grad, channelSumDispatch(t.splits, t.k * cout, t.splits, at.scratch, yo)];
}

export const CONV_LOWERINGS = [
  lowering(conv2d, lowerConv2d),

  lowering(convTranspose2d, (step, _attrs, at) => {
    const [x, w] = step.inputs;
    const [n, h, wd, cin] = x.shape;
    const cout = w.shape[3];
    const [, oh, ow] = step.output.shape;
    const ep = epilogueOf(step, cout, at);
    const wop = weightOperand(w, at);
    const total = n * oh * ow * Math.ceil(cout / 4);
    const params = { xo: at.off(x), wo: wop.wo, yo: at.off(step.output), h, w: wd, cin, oh, ow, cout, ...windowParams(step), total, ...ep.params };
    return [dispatch('conv_transpose2d', params, {
      overrides: { ...ep.overrides, W_ARENA: wop.W_ARENA, VEC_W: cout % 4 === 0 }, weights: wop.weights, scaleShift: ep.scaleShift, groups: grid1d(total),
    })];
  }),

  lowering(dense, (step, _attrs, at) => {
    const [x, w] = step.inputs;
    const [rows, k] = x.shape;
    const m = w.shape[1];
    const ep = epilogueOf(step, m, at);
    const wop = weightOperand(w, at);
    const [gy, gz] = splitYZ(rows);
    return [dispatch('dense', { xo: at.off(x), wo: wop.wo, yo: at.off(step.output), k, m, rows, ...ep.params }, {
      overrides: { ...ep.overrides, W_ARENA: wop.W_ARENA, VEC_W: m % 4 === 0 }, weights: wop.weights, scaleShift: ep.scaleShift,
      groups: [Math.ceil(Math.ceil(m / 4) / 64), gy, gz],
    })];
  }),

  lowering(conv2dGradWeight, lowerConvGradWeight, (step) => {
    const t = gradWeightTiling(step);
    return t.splits > 1 ? t.splits * t.k * step.output.shape[3] : 0;
  }),

  lowering(weightTranspose, (step, attrs, at) => {
    const [x] = step.inputs;
    const [kh, kw, a, b] = x.shape.length === 2 ? [1, 1, ...x.shape] : x.shape;
    const total = step.output.length;
    const params = { xo: at.off(x), yo: at.off(step.output), a, b, taps: kh * kw, total };
    return [dispatch('weight_transpose', params, { overrides: { FLIP: attrs.flip }, groups: grid1d(total) })];
  }),
];
