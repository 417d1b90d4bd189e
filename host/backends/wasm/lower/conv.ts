// conv2d, conv_transpose2d, dense and the weight-side backward ops (conv2d_grad_weight,
// weight_transpose): kernels/conv2d_*.ts, conv_transpose2d.ts, dense.ts, grad.ts.
import { conv2d } from '../../../ops/conv2d.ts';
import { conv2dGradWeight } from '../../../ops/conv2d_grad_weight.ts';
import { convTranspose2d } from '../../../ops/conv_transpose2d.ts';
import { dense } from '../../../ops/dense.ts';
import { weightTranspose } from '../../../ops/weight_transpose.ts';
import { c4, epilogueArgs, job, lowering, weightsAt, windowArgs } from './common.ts';

export const CONV_LOWERINGS = [
  lowering(conv2d, (step, attrs, a, { convKernel }) => {
    const [x, w, bias] = step.inputs;
    const [N, H, W, Cin] = x.shape;
    const [kh, kw, cpg, Cout] = w.shape;
    const [, OH, OW] = step.output.shape;
    const io = { x: a.ptr(x), out: a.ptr(step.output), N, H, W, OH, OW, ...windowArgs(step), ...epilogueArgs(step, a, Cout, bias) };
    const cost = N * OH * OW * kh * kw * cpg * Cout;
    if (attrs.groups === 1) {
      // 2x16 needs fewer broadcasts per multiply-add; 4x8 wastes less when there are few output channels.
      const kernel = convKernel !== 'auto' ? convKernel : c4(Cout) >= 16 ? 'conv2d_nhwc_2x16' : 'conv2d_nhwc_4x8';
      const args = { ...io, w: weightsAt(a, w, Cout, 'conv2d'), Cin, Cout, Cout4: c4(Cout), zero: a.zeros(Cin + 4) };
      return [job(kernel, args, N * OH, cost)];
    }
    if (attrs.groups === Cin && Cout === Cin) {
      const args = { ...io, w: weightsAt(a, w, Cout, 'depthwise conv2d'), C: Cin, C4: c4(Cin) };
      return [job('conv2d_depthwise_1x4', args, N * OH, cost)];
    }
    // Generic grouped: raw weights, scale/shift unpadded is fine (packed adds zeros at the end only).
    return [job('conv2d_grouped_scalar', { ...io, w: a.ptr(w), Cin, Cout, G: attrs.groups }, N * OH, cost)];
  }),

  lowering(convTranspose2d, (step, _attrs, a) => {
    const [x, w, bias] = step.inputs;
    const [N, H, W, Cin] = x.shape;
    const [kh, kw, , Cout] = w.shape;
    const [, OH, OW] = step.output.shape;
    const args = {
      x: a.ptr(x), w: weightsAt(a, w, Cout, 'conv_transpose2d'), out: a.ptr(step.output),
      N, H, W, Cin, OH, OW, Cout, Cout4: c4(Cout), ...windowArgs(step), ...epilogueArgs(step, a, Cout, bias),
    };
    return [job('conv_transpose2d_gather_1x8', args, N * OH, N * H * W * kh * kw * Cin * Cout)];
  }),

  lowering(dense, (step, _attrs, a) => {
    const [x, w, bias] = step.inputs;
    const [N, K] = x.shape;
    const M = step.output.shape[1];
    const args = { x: a.ptr(x), w: weightsAt(a, w, M, 'dense'), out: a.ptr(step.output), N, K, M, M4: c4(M), ...epilogueArgs(step, a, M, bias) };
    return [job('dense_1x16', args, N, N * K * M)];
  }),

  lowering(conv2dGradWeight, (step, _attrs, a) => {
    const [x, g] = step.inputs;
    const [N, H, W, Cin] = x.shape;
    const [, OH, OW, Cout] = g.shape;
    const win = windowArgs(step);
    const args = { x: a.ptr(x), g: a.ptr(g), dw: a.ptr(step.output), N, H, W, Cin, OH, OW, Cout, ...win };
    return [job('conv2d_grad_w_4x8', args, win.KH * win.KW * Math.ceil(Cin / 4), N * OH * OW * win.KH * win.KW * Cin * Cout)];
  }),

  lowering(weightTranspose, (step, attrs, a) => {
    const [w] = step.inputs;
    const [KH, KW, A, B] = w.shape.length === 2 ? [1, 1, ...w.shape] : w.shape;
    return [job('weight_transpose', { w: a.ptr(w), out: a.ptr(step.output), KH, KW, A, B, flip: attrs.flip }, KH * KW, w.length)];
  }),
];
