// Lowering of the backward ops (host/ops/act_grad.ts ... crop.ts) to the kernels of kernels/grad.ts
// and conv2d_grad.ts. Slot layouts are documented at each kernel.
import type { Step } from '../../executor/plan.ts';
import { slidingWindow } from '../../ops/op.ts';
import type { ActGradAttrs } from '../../ops/act_grad.ts';
import { ACT_CODE } from '../../ops/codes.ts';
import type { Addresses, Job, Slots } from './ops.ts';

const blocks4 = (c: number) => Math.ceil(c / 4);

export function lowerGrad(step: Step, a: Addresses, S: () => Slots): Job[] | undefined {
  const [x] = step.inputs;
  const out = step.output;
  const attrs = step.attrs as Record<string, any>;
  switch (step.op.name) {
    case 'act_grad': {
      const at = attrs as ActGradAttrs;
      const s = S().set(0, a.ptr(x), a.ptr(step.inputs[1]), a.ptr(out), ACT_CODE[at.act]);
      s.setF(4, at.act === 'clamp' ? at.min : at.alpha).setF(5, at.max);
      return [{ kernel: 'act_grad_x4', slots: s.i32, units: out.length, cost: out.length }];
    }
    case 'channel_sum': {
      const c = out.length;
      return [{ kernel: 'channel_sum_x4', slots: S().set(0, a.ptr(x), a.ptr(out), x.length / c, c).i32, units: blocks4(c), cost: x.length }];
    }
    case 'weight_transpose': {
      const [kh, kw, ca, cb] = x.shape.length === 2 ? [1, 1, ...x.shape] : x.shape;
      return [{ kernel: 'weight_transpose', slots: S().set(0, a.ptr(x), a.ptr(out), kh, kw, ca, cb, attrs.flip ? 1 : 0).i32, units: kh * kw, cost: x.length }];
    }
    case 'conv2d_grad_weight': {
      const [n, h, w, cin] = x.shape;
      const [, oh, ow, cout] = step.inputs[1].shape;
      const [kh, kw] = attrs.kernel;
      const win = slidingWindow('conv2d', h, w, [kh, kw], attrs.stride, attrs.padding);
      const s = S().set(0, a.ptr(x), a.ptr(step.inputs[1]), a.ptr(out), n, h, w, cin, oh, ow, cout, kh, kw, attrs.stride[0], attrs.stride[1], win.top, win.left);
      return [{ kernel: 'conv2d_grad_w_4x8', slots: s.i32, units: kh * kw * blocks4(cin), cost: n * oh * ow * kh * kw * cin * cout }];
    }
    case 'pool_grad': {
      const [n, h, w, c] = x.shape;
      const [, oh, ow] = step.inputs[1].shape;
      const win = slidingWindow('pool', h, w, attrs.kernel, attrs.stride, attrs.padding);
      const s = S().set(0, a.ptr(x), a.ptr(step.inputs[1]), a.ptr(out), n, h, w, c, oh, ow, attrs.kernel[0], attrs.kernel[1], attrs.stride[0], attrs.stride[1], win.top, win.left, attrs.kind === 'avg' ? 1 : 0);
      return [{ kernel: 'pool_grad_x1', slots: s.i32, units: n * blocks4(c), cost: x.length + step.inputs[1].length * attrs.kernel[0] * attrs.kernel[1] }];
    }
    case 'global_mean_grad': {
      const [n, h, w, c] = out.shape;
      return [{ kernel: 'global_mean_grad_x1', slots: S().set(0, a.ptr(x), a.ptr(out), h * w, c).i32, units: n * h * w, cost: out.length }];
    }
    case 'resize_bilinear_grad': {
      const [n, oh, ow, c] = x.shape;
      const [, h, w] = out.shape;
      return [{ kernel: 'resize_bilinear_grad_x1', slots: S().set(0, a.ptr(x), a.ptr(out), n, h, w, c, oh, ow).i32, units: n * blocks4(c), cost: x.length * 4 }];
    }
    case 'crop': {
      const [n, h, w, c] = x.shape;
      const [, oh, ow, oc] = out.shape;
      const s = S().set(0, a.ptr(x), a.ptr(out), n, h, w, c, oh, ow, oc, attrs.pads[0], attrs.pads[2], attrs.channels[0]);
      return [{ kernel: 'crop_rows', slots: s.i32, units: n * oh, cost: out.length }];
    }
  }
  return undefined;
}

/** Every kernel export lowerGrad may name. */
export const GRAD_KERNELS = ['act_grad_x4', 'channel_sum_x4', 'weight_transpose', 'pool_grad_x1', 'global_mean_grad_x1', 'resize_bilinear_grad_x1', 'crop_rows'];
