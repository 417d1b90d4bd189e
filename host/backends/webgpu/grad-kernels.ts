// Step -> kernel dispatches for the backward ops (host/ops/act_grad.ts ... crop.ts), as kernels.ts
// does for the forward ops. Every output is written by a gather (each invocation owns its output
// elements), so no kernel needs atomics. Reductions that would leave a GPU idle when run as one
// workgroup per output tile (conv2d_grad_weight over N*OH*OW pixels, channel_sum over long tensors)
// split their rows: the partial sums go to the plan's scratch region (scratchFloats) and a
// channel_sum dispatch adds them up.
import type { Step } from '../../executor/plan.ts';
import { ACT_CODE } from '../../ops/codes.ts';
import { slidingWindow, type Padding } from '../../ops/op.ts';
import type { ActGradAttrs } from '../../ops/act_grad.ts';
import { grid1d, type KernelSpec, type Placement } from './kernels.ts';

/** channel_sum: rows per split above which the sum runs as two dispatches (splits, then their sum). */
const SUM_CHUNK = 2048;
/** Most splits of one reduction (rows of its scratch). */
const MAX_SPLITS = 64;
/** conv2d_grad_weight: enough workgroups to fill a large GPU, each split at least this many pixels. */
const TARGET_GROUPS = 256, MIN_SPLIT_PIXELS = 256;

/** How channel_sum splits P rows: splits and rows per split (a multiple of 16, the lanes of a workgroup). */
function sumSplits(p: number): { splits: number; chunk: number } {
  const chunk = Math.ceil(p / Math.min(MAX_SPLITS, Math.ceil(p / SUM_CHUNK)) / 16) * 16;
  return { splits: Math.ceil(p / chunk), chunk };
}

/** The dispatch of channel_sum.wgsl adding rows [splits * chunk) of x [P, C] at xo into `splits` rows at yo. */
function channelSumSpec(p: number, c: number, chunk: number, xo: number, yo: number): KernelSpec {
  const gx = Math.ceil(c / 64);
  if (gx > 65535) throw new Error(`webgpu backend: channel_sum over ${c} channels exceeds the dispatch grid`);
  return { shader: 'channel_sum', overrides: { VEC: c % 4 === 0 }, reads: [], groups: [gx, Math.ceil(p / chunk), 1], params: [p, c, chunk, xo, yo, 0, 0, 0] };
}

/** x [P, C] -> [C]: one dispatch, or splits into the scratch region and then their sum. */
function channelSum(p: number, c: number, xo: number, yo: number, scratch: number): KernelSpec[] {
  const { splits, chunk } = sumSplits(p);
  if (splits === 1) return [channelSumSpec(p, c, p, xo, yo)];
  return [channelSumSpec(p, c, chunk, xo, scratch), channelSumSpec(splits, c, splits, scratch, yo)];
}

/**
 * conv2d_grad_weight tiling: TN output channels (the widest of 32, 16, 4 that the layer fills: a wide tile
 * reuses each staged value more), TK = 1024 / TN rows of K (64 invocations), BM pixels per slice (A and G
 * slices within 16 KB of workgroup memory), and the splits of M.
 */
function gradWeightTiling(step: Step): { TK: number; TN: number; BM: number; splits: number; chunk: number; m: number; k: number } {
  const [n, , , cin] = step.inputs[0].shape;
  const [, oh, ow, cout] = step.inputs[1].shape;
  const [kh, kw] = (step.attrs as { kernel: [number, number] }).kernel;
  const TN = cout <= 4 ? 4 : cout <= 16 ? 16 : 32;
  const TK = 1024 / TN, BM = TK === 256 ? 8 : 32;
  const m = n * oh * ow, k = kh * kw * cin;
  const tiles = Math.ceil(cout / TN) * Math.ceil(k / TK);
  const splits = Math.max(1, Math.min(MAX_SPLITS, Math.ceil(TARGET_GROUPS / tiles), Math.floor(m / MIN_SPLIT_PIXELS)));
  const chunk = Math.ceil(m / splits / BM) * BM;
  return { TK, TN, BM, splits: Math.ceil(m / chunk), chunk, m, k };
}

/** Floats of the scratch region this step needs (0: none); the backend places one region for the largest. */
export function scratchFloats(step: Step): number {
  if (step.op.name === 'conv2d_grad_weight') {
    const t = gradWeightTiling(step);
    return t.splits > 1 ? t.splits * t.k * step.output.shape[3] : 0;
  }
  if (step.op.name === 'channel_sum') {
    const c = step.output.length;
    const { splits } = sumSplits(step.inputs[0].length / c);
    return splits > 1 ? splits * c : 0;
  }
  return 0;
}

/** The dispatches of a backward op, or undefined for any other op. */
export function gradKernelsFor(step: Step, at: Placement): KernelSpec[] | undefined {
  const { inputs, output } = step;
  const a = step.attrs as Record<string, any>;
  const [x, g] = inputs;
  const off = at.off;
  const xo = off(x), yo = off(output);
  switch (step.op.name) {
    case 'act_grad': {
      const { act, alpha, min, max } = a as ActGradAttrs;
      return [{
        shader: 'act_grad', overrides: { ACT: ACT_CODE[act] }, reads: [x, g], groups: grid1d(Math.ceil(output.length / 4)),
        params: [output.length, xo, off(g), yo, { f: act === 'clamp' ? min : alpha }, { f: max }, 0, 0],
      }];
    }
    case 'channel_sum': {
      const c = output.length;
      return channelSum(x.length / c, c, xo, yo, at.scratch).map((s) => ({ ...s, reads: [x] }));
    }
    case 'conv2d_grad_weight':
      return convGradWeight(step, at);
    case 'weight_transpose': {
      const [kh, kw, ca, cb] = x.shape.length === 2 ? [1, 1, ...x.shape] : x.shape;
      return [{ shader: 'weight_transpose', overrides: { FLIP: !!a.flip }, reads: [x], groups: grid1d(output.length), params: [ca, cb, kh * kw, output.length, xo, yo, 0, 0] }];
    }
    case 'pool_grad': {
      const [, h, w, c] = x.shape;
      const [, oh, ow] = g.shape;
      const win = slidingWindow('pool_grad', h, w, a.kernel, a.stride, a.padding as Padding);
      const total = (output.length / c) * Math.ceil(c / 4);
      return [{
        shader: 'pool_grad', overrides: { MAX: a.kind === 'max', VEC: c % 4 === 0 }, reads: [x, g], groups: grid1d(total),
        params: [h, w, c, oh, ow, a.kernel[0], a.kernel[1], a.stride[0], a.stride[1], { i: win.top }, { i: win.left }, total, xo, off(g), yo, 0],
      }];
    }
    case 'global_mean_grad': {
      const [, h, w, c] = output.shape;
      return [{ shader: 'global_mean_grad', overrides: {}, reads: [x], groups: grid1d(output.length), params: [h * w, c, output.length, xo, yo, 0, 0, 0] }];
    }
    case 'resize_bilinear_grad': {
      const [, oh, ow, c] = x.shape;
      const [, h, w] = output.shape;
      const total = (output.length / c) * Math.ceil(c / 4);
      return [{
        shader: 'resize_bilinear_grad', overrides: { VEC: c % 4 === 0 }, reads: [x], groups: grid1d(total),
        params: [h, w, c, oh, ow, total, { f: h / oh }, { f: w / ow }, xo, yo, 0, 0],
      }];
    }
    case 'crop': {
      const [, h, w, c] = x.shape;
      const [, oh, ow, oc] = output.shape;
      return [{ shader: 'crop', overrides: {}, reads: [x], groups: grid1d(output.length), params: [h, w, c, oh, ow, oc, a.pads[0], a.pads[2], a.channels[0], output.length, xo, yo] }];
    }
  }
  return undefined;
}

/** dW = im2col(x)^T g: one tiled dispatch, or one per split into the scratch region plus their channel_sum. */
function convGradWeight(step: Step, at: Placement): KernelSpec[] {
  const [x, g] = step.inputs;
  const [, h, w, cin] = x.shape;
  const [, oh, ow, cout] = g.shape;
  const a = step.attrs as { kernel: [number, number]; stride: [number, number]; padding: Padding };
  const win = slidingWindow('conv2d_grad_weight', h, w, a.kernel, a.stride, a.padding);
  const t = gradWeightTiling(step);
  const yo = at.off(step.output);
  const dst = t.splits > 1 ? at.scratch : yo;
  const spec: KernelSpec = {
    shader: 'conv2d_grad_weight', overrides: { TK: t.TK, TN: t.TN, BM: t.BM, VEC_X: cin % 4 === 0, VEC_G: cout % 4 === 0 }, reads: [x, g],
    groups: [Math.ceil(cout / t.TN), Math.ceil(t.k / t.TK), t.splits],
    params: [h, w, cin, oh, ow, cout, a.kernel[1], a.stride[0], a.stride[1], { i: win.top }, { i: win.left }, t.m, t.k, t.chunk, at.off(x), at.off(g), dst, 0, 0, 0],
  };
  if (t.splits === 1) return [spec];
  return [spec, { ...channelSumSpec(t.splits, t.k * cout, t.splits, at.scratch, yo), reads: [] }];
}
