// Lowering: each plan step becomes one or more kernel jobs (kernel export name, argument slots,
// number of work units, rough cost). Chosen once at bind time; dispatch only copies the slots.
import type { Step, PlannedTensor } from '../../executor/plan.ts';
import { ACT_CODE, CHANNEL_OP, ELEMENTWISE_OP } from '../../ops/codes.ts';
import { slidingWindow, type Padding } from '../../ops/op.ts';
import { convTransposePads } from '../../ops/conv_transpose2d.ts';
import { ARG_SLOTS } from './memory.ts';
import { GRAD_KERNELS, lowerGrad } from './grad-ops.ts';

export interface Job {
  kernel: string;
  /** Argument slots as raw 32-bit words (ints, pointers, or f32 bit patterns). */
  slots: Int32Array;
  units: number;
  /** Work estimate (multiply-adds or bytes moved) used to decide whether threads are worth waking. */
  cost: number;
}

/** What lowering needs from the backend: addresses of tensors and packed constants. */
export interface Addresses {
  /** Arena tensor or raw weight. */
  ptr(t: PlannedTensor): number;
  /** A constant [..., C] padded on its last axis to a multiple of 4 channels (zeros). */
  packed(data: Float32Array, lastDim: number): number;
  /** A zero region of at least n floats. */
  zeros(n: number): number;
}

/** Forces a conv2d micro-kernel (benchmarks); otherwise chosen per shape. */
export type ConvKernelChoice = 'auto' | 'conv2d_nhwc_4x8' | 'conv2d_nhwc_2x16';

export class Slots {
  readonly i32 = new Int32Array(ARG_SLOTS);
  private readonly f32 = new Float32Array(this.i32.buffer);
  set(i: number, ...vals: number[]): this {
    vals.forEach((v, k) => (this.i32[i + k] = v));
    return this;
  }
  setF(i: number, v: number): this {
    this.f32[i] = v;
    return this;
  }
}

const c4 = (c: number) => Math.ceil(c / 4) * 4;

/**
 * Weights [..., C] as the kernels want them: model weights packed to C4 channels once; weights computed
 * in the arena (training's transposed weights) used in place, which needs C % 4 == 0.
 */
function weightsAt(a: Addresses, t: PlannedTensor, c: number, op: string): number {
  if (t.kind === 'weight') return a.packed(t.data!, c);
  if (c % 4) throw new Error(`wasm backend: ${op} with computed weights needs a multiple of 4 output channels, got ${c}`);
  return a.ptr(t);
}

/** The scale/shift/residual/activation of a step (identity when it has no epilogue). */
function epilogueSlots(step: Step, a: Addresses, cout: number, bias: PlannedTensor | undefined) {
  const e = step.epilogue;
  const scale = e ? e.scale.data! : new Float32Array(cout).fill(1);
  const shift = e ? e.shift.data! : bias ? bias.data! : new Float32Array(cout);
  const act = e?.act ?? { kind: 'none' as const };
  const p0 = act.kind === 'leaky_relu' ? act.alpha : act.kind === 'clamp' ? act.min : 0;
  const p1 = act.kind === 'clamp' ? act.max : 0;
  return { scale: a.packed(scale, cout), shift: a.packed(shift, cout), res: e?.residual ? a.ptr(e.residual) : 0, act: ACT_CODE[act.kind], p0, p1 };
}

export function lower(step: Step, a: Addresses, convKernel: ConvKernelChoice = 'auto'): Job[] {
  const [x] = step.inputs;
  const out = step.output;
  const attrs = step.attrs as Record<string, any>;
  const S = () => new Slots();
  switch (step.op.name) {
    case 'conv2d': {
      const [n, h, w, cin] = x.shape;
      const [kh, kw, cpg, cout] = step.inputs[1].shape;
      const [, oh, ow] = out.shape;
      const win = slidingWindow('conv2d', h, w, [kh, kw], attrs.stride, attrs.padding as Padding);
      const ep = epilogueSlots(step, a, cout, step.inputs[2]);
      const cost = oh * ow * n * kh * kw * cpg * cout;
      if (attrs.groups === 1) {
        // 2x16 needs fewer broadcasts per multiply-add; 4x8 wastes less when there are few output channels.
        const kernel = convKernel !== 'auto' ? convKernel : c4(cout) >= 16 ? 'conv2d_nhwc_2x16' : 'conv2d_nhwc_4x8';
        const s = S().set(0, a.ptr(x), weightsAt(a, step.inputs[1], cout, 'conv2d'), ep.scale, ep.shift, ep.res, a.ptr(out), n, h, w, cin, oh, ow, cout, c4(cout), kh, kw, attrs.stride[0], attrs.stride[1], win.top, win.left, ep.act);
        s.setF(21, ep.p0).setF(22, ep.p1).set(23, a.zeros(cin + 4));
        return [{ kernel, slots: s.i32, units: n * oh, cost }];
      }
      if (attrs.groups === cin && cout === cin) {
        const s = S().set(0, a.ptr(x), weightsAt(a, step.inputs[1], cout, 'depthwise conv2d'), ep.scale, ep.shift, ep.res, a.ptr(out), n, h, w, cin, oh, ow, c4(cin), kh, kw, attrs.stride[0], attrs.stride[1], win.top, win.left, ep.act);
        s.setF(20, ep.p0).setF(21, ep.p1);
        return [{ kernel: 'conv2d_depthwise_1x4', slots: s.i32, units: n * oh, cost }];
      }
      // Generic grouped: raw weights, scale/shift unpadded is fine (packed adds zeros at the end only).
      const s = S().set(0, a.ptr(x), a.ptr(step.inputs[1]), ep.scale, ep.shift, ep.res, a.ptr(out), n, h, w, cin, oh, ow, cout, attrs.groups, kh, kw, attrs.stride[0], attrs.stride[1], win.top, win.left, ep.act);
      s.setF(21, ep.p0).setF(22, ep.p1);
      return [{ kernel: 'conv2d_grouped_scalar', slots: s.i32, units: n * oh, cost }];
    }
    case 'conv_transpose2d': {
      const [n, h, w, cin] = x.shape;
      const [kh, kw, , cout] = step.inputs[1].shape;
      const [, oh, ow] = out.shape;
      const [pt, , pl] = convTransposePads(attrs.padding, [kh, kw], attrs.stride);
      const ep = epilogueSlots(step, a, cout, step.inputs[2]);
      const s = S().set(0, a.ptr(x), weightsAt(a, step.inputs[1], cout, 'conv_transpose2d'), ep.scale, ep.shift, ep.res, a.ptr(out), n, h, w, cin, oh, ow, cout, c4(cout), kh, kw, attrs.stride[0], attrs.stride[1], pt, pl, ep.act);
      s.setF(21, ep.p0).setF(22, ep.p1);
      return [{ kernel: 'conv_transpose2d_gather_1x8', slots: s.i32, units: n * oh, cost: n * h * w * kh * kw * cin * cout }];
    }
    case 'dense': {
      const [n, k] = x.shape;
      const m = out.shape[1];
      const ep = epilogueSlots(step, a, m, step.inputs[2]);
      const s = S().set(0, a.ptr(x), weightsAt(a, step.inputs[1], m, 'dense'), ep.scale, ep.shift, ep.res, a.ptr(out), n, k, m, c4(m), ep.act);
      s.setF(11, ep.p0).setF(12, ep.p1);
      return [{ kernel: 'dense_1x16', slots: s.i32, units: n, cost: n * k * m }];
    }
    case 'relu':
    case 'leaky_relu':
    case 'clamp':
    case 'tanh':
    case 'sigmoid':
    case 'round': {
      const op = step.op.name === 'round' ? ELEMENTWISE_OP.round : ELEMENTWISE_OP.act;
      const act = step.op.name === 'round' ? ACT_CODE.none : ACT_CODE[step.op.name as keyof typeof ACT_CODE];
      const s = S().set(0, a.ptr(x), a.ptr(out), op, act);
      s.setF(4, attrs.alpha ?? attrs.min ?? 0).setF(5, attrs.max ?? 0);
      return [{ kernel: 'unary_x4', slots: s.i32, units: out.length, cost: out.length * (act >= ACT_CODE.tanh ? 20 : 1) }];
    }
    case 'add':
    case 'mul':
      return [{ kernel: 'binary_x4', slots: S().set(0, a.ptr(x), a.ptr(step.inputs[1]), a.ptr(out), ELEMENTWISE_OP[step.op.name as 'add' | 'mul']).i32, units: out.length, cost: out.length }];
    case 'bias':
    case 'affine':
    case 'prelu': {
      const c = x.shape[x.shape.length - 1];
      const op = CHANNEL_OP[step.op.name as 'bias' | 'affine' | 'prelu'];
      const q = step.op.name === 'affine' ? a.ptr(step.inputs[2]) : 0;
      return [{ kernel: 'channel_x4', slots: S().set(0, a.ptr(x), a.ptr(step.inputs[1]), q, a.ptr(out), c, op).i32, units: out.length / c, cost: out.length }];
    }
    case 'maxpool':
    case 'avgpool': {
      const [n, h, w, c] = x.shape;
      const [, oh, ow] = out.shape;
      const win = slidingWindow(step.op.name, h, w, attrs.kernel, attrs.stride, attrs.padding);
      const s = S().set(0, a.ptr(x), a.ptr(out), n, h, w, c, oh, ow, attrs.kernel[0], attrs.kernel[1], attrs.stride[0], attrs.stride[1], win.top, win.left, step.op.name === 'avgpool' ? 1 : 0);
      return [{ kernel: 'pool_x4', slots: s.i32, units: n * oh, cost: out.length * attrs.kernel[0] * attrs.kernel[1] }];
    }
    case 'global_mean': {
      const [n, h, w, c] = x.shape;
      return [{ kernel: 'global_mean_x4', slots: S().set(0, a.ptr(x), a.ptr(out), h * w, c).i32, units: n, cost: x.length }];
    }
    case 'pad': {
      const [n, h, w, c] = x.shape;
      const [, oh, ow, oc] = out.shape;
      const s = S().set(0, a.ptr(x), a.ptr(out), n, h, w, c, oh, ow, oc, attrs.pads[0], attrs.pads[2], attrs.channels[0]);
      s.setF(12, attrs.value);
      return [{ kernel: 'pad_rows', slots: s.i32, units: n * oh, cost: out.length }];
    }
    case 'depth_to_space':
    case 'space_to_depth': {
      const toSpace = step.op.name === 'depth_to_space';
      const deep = toSpace ? x : out, shallow = toSpace ? out : x;
      const [n, h, w] = deep.shape;
      const s = S().set(0, a.ptr(deep), a.ptr(shallow), n, h, w, shallow.shape[3], attrs.block, toSpace ? 0 : 1);
      return [{ kernel: 'depth_space_rows', slots: s.i32, units: n * h, cost: out.length }];
    }
    case 'resize_bilinear': {
      const [n, h, w, c] = x.shape;
      const [, oh, ow] = out.shape;
      return [{ kernel: 'resize_bilinear_rows', slots: S().set(0, a.ptr(x), a.ptr(out), n, h, w, c, oh, ow).i32, units: n * oh, cost: out.length * 4 }];
    }
    case 'concat': {
      const oc = out.shape[out.shape.length - 1];
      const pixels = out.length / oc;
      let off = 0;
      return step.inputs.map((t) => {
        const c = t.shape[t.shape.length - 1];
        const job = { kernel: 'channel_copy', slots: S().set(0, a.ptr(t), a.ptr(out), c, 0, oc, off, c).i32, units: pixels, cost: t.length };
        off += c;
        return job;
      });
    }
    case 'slice': {
      const c = x.shape[x.shape.length - 1];
      const oc = attrs.end - attrs.start;
      return [{ kernel: 'channel_copy', slots: S().set(0, a.ptr(x), a.ptr(out), c, attrs.start, oc, 0, oc).i32, units: out.length / oc, cost: out.length }];
    }
  }
  const grad = lowerGrad(step, a, S);
  if (grad) return grad;
  throw new Error(`wasm backend: no kernel for op "${step.op.name}"`);
}

/** Every kernel export the backend may call (index = id in the thread control block). */
export const KERNELS = [
  'conv2d_nhwc_4x8', 'conv2d_nhwc_2x16', 'conv2d_depthwise_1x4', 'conv2d_grouped_scalar', 'conv2d_grad_w_4x8',
  'conv_transpose2d_gather_1x8', 'dense_1x16', 'unary_x4', 'binary_x4', 'channel_x4', 'pool_x4', 'global_mean_x4',
  'pad_rows', 'depth_space_rows', 'resize_bilinear_rows', 'channel_copy', ...GRAD_KERNELS,
];
