// Data movement: pad / crop, depth_to_space / space_to_depth, bilinear resize and its gradient, concat
// and slice (channel copies): kernels/layout.ts, grad.ts.
import type { Step } from '../../../executor/plan.ts';
import { concat } from '../../../ops/concat.ts';
import { crop } from '../../../ops/crop.ts';
import { depthToSpace } from '../../../ops/depth_to_space.ts';
import { pad } from '../../../ops/pad.ts';
import { resizeBilinear } from '../../../ops/resize_bilinear.ts';
import { resizeBilinearGrad } from '../../../ops/resize_bilinear_grad.ts';
import { slice } from '../../../ops/slice.ts';
import { spaceToDepth } from '../../../ops/space_to_depth.ts';
import { job, lowering, type Addresses } from './common.ts';

/** The big and small images of pad (x small) and crop (x big), with the small one's placement. */
function placement(step: Step, a: Addresses, pads: number[], channels: number[]) {
  const [x] = step.inputs;
  const [N, H, W, C] = x.shape;
  const [, OH, OW, OC] = step.output.shape;
  return { x: a.ptr(x), out: a.ptr(step.output), N, H, W, C, OH, OW, OC, PT: pads[0], PL: pads[2], CB: channels[0] };
}

const depthSpace = (op: 'depth_to_space' | 'space_to_depth') => (step: Step, attrs: { block: number }, a: Addresses) => {
  const toSpace = op === 'depth_to_space';
  const deep = toSpace ? step.inputs[0] : step.output, shallow = toSpace ? step.output : step.inputs[0];
  const [N, H, W] = deep.shape;
  const args = { deep: a.ptr(deep), shallow: a.ptr(shallow), N, H, W, C: shallow.shape[3], B: attrs.block, op };
  return [job('depth_space_rows', args, N * H, step.output.length)];
};

export const LAYOUT_LOWERINGS = [
  lowering(pad, (step, attrs, a) => {
    const args = { ...placement(step, a, attrs.pads, attrs.channels), value: attrs.value };
    return [job('pad_rows', args, args.N * args.OH, step.output.length)];
  }),

  lowering(crop, (step, attrs, a) => {
    const args = placement(step, a, attrs.pads, attrs.channels);
    return [job('crop_rows', args, args.N * args.OH, step.output.length)];
  }),

  lowering(depthToSpace, depthSpace('depth_to_space')),
  lowering(spaceToDepth, depthSpace('space_to_depth')),

  lowering(resizeBilinear, (step, _attrs, a) => {
    const [x] = step.inputs;
    const [N, H, W, C] = x.shape;
    const [, OH, OW] = step.output.shape;
    return [job('resize_bilinear_rows', { x: a.ptr(x), out: a.ptr(step.output), N, H, W, C, OH, OW }, N * OH, step.output.length * 4)];
  }),

  lowering(resizeBilinearGrad, (step, _attrs, a) => {
    const [g] = step.inputs;
    const [N, OH, OW, C] = g.shape;
    const [, H, W] = step.output.shape;
    return [job('resize_bilinear_grad_x1', { g: a.ptr(g), dx: a.ptr(step.output), N, H, W, C, OH, OW }, N * Math.ceil(C / 4), g.length * 4)];
  }),

  lowering(concat, (step, _attrs, a) => {
    const out = step.output;
    const dstC = out.shape[out.shape.length - 1];
    let dstOff = 0;
    return step.inputs.map((t) => {
      const srcC = t.shape[t.shape.length - 1];
      const j = job('channel_copy', { src: a.ptr(t), dst: a.ptr(out), srcC, srcOff: 0, dstC, dstOff, count: srcC }, out.length / dstC, t.length);
      dstOff += srcC;
      return j;
    });
  }),

  lowering(slice, (step, attrs, a) => {
    const [x] = step.inputs;
    const count = attrs.end - attrs.start;
    const args = { src: a.ptr(x), dst: a.ptr(step.output), srcC: x.shape[x.shape.length - 1], srcOff: attrs.start, dstC: count, dstOff: 0, count };
    return [job('channel_copy', args, step.output.length / count, step.output.length)];
  }),
];
