// Data movement: pad / crop, depth_to_space / space_to_depth, bilinear resize and its gradient, concat
// and slice: wgsl/pad.wgsl, crop.wgsl, depth_to_space.wgsl, resize_bilinear*.wgsl, concat.wgsl, slice.wgsl.
import type { Step } from '../../../executor/plan.ts';
import { concat } from '../../../ops/concat.ts';
import { crop } from '../../../ops/crop.ts';
import { depthToSpace } from '../../../ops/depth_to_space.ts';
import { pad } from '../../../ops/pad.ts';
import { resizeBilinear } from '../../../ops/resize_bilinear.ts';
import { resizeBilinearGrad } from '../../../ops/resize_bilinear_grad.ts';
import { slice } from '../../../ops/slice.ts';
import { spaceToDepth } from '../../../ops/space_to_depth.ts';
import { dispatch, grid1d, lowering, type Dispatch, type Placement } from './common.ts';

/** The big and small images of pad (x small) and crop (x big), with the small one's placement. */
function placement(step: Step, at: Placement, pads: number[], channels: number[]) {
  const [x] = step.inputs;
  const [, h, w, c] = x.shape;
  const [, oh, ow, oc] = step.output.shape;
  return { xo: at.off(x), yo: at.off(step.output), h, w, c, oh, ow, oc, top: pads[0], left: pads[2], cb: channels[0], total: step.output.length };
}

/** depth_to_space (D2S) and space_to_depth; h, w, c are the shallow tensor's. */
const depthSpace = (d2s: boolean) => (step: Step, attrs: { block: number }, at: Placement) => {
  const [x] = step.inputs;
  const [, h, w, c] = d2s ? step.output.shape : x.shape;
  const total = step.output.length;
  return [dispatch('depth_to_space', { xo: at.off(x), yo: at.off(step.output), h, w, c, block: attrs.block, total }, { overrides: { D2S: d2s }, groups: grid1d(total) })];
};

/** resize_bilinear (x small or large, out the other) and its gradient (g the output-sized one): the sizes and ratios. */
function resizeSizes(input: Step['output'], output: Step['output']) {
  const [, h, w, c] = input.shape;
  const [, oh, ow] = output.shape;
  return { h, w, c, oh, ow, ry: h / oh, rx: w / ow };
}

export const LAYOUT_LOWERINGS = [
  lowering(pad, (step, attrs, at) => {
    const params = { ...placement(step, at, attrs.pads, attrs.channels), value: attrs.value };
    return [dispatch('pad', params, { overrides: {}, groups: grid1d(params.total) })];
  }),

  lowering(crop, (step, attrs, at) => {
    const params = placement(step, at, attrs.pads, attrs.channels);
    return [dispatch('crop', params, { overrides: {}, groups: grid1d(params.total) })];
  }),

  lowering(depthToSpace, depthSpace(true)),
  lowering(spaceToDepth, depthSpace(false)),

  lowering(resizeBilinear, (step, _attrs, at) => {
    const [x] = step.inputs;
    const s = resizeSizes(x, step.output);
    const total = (step.output.length / s.c) * Math.ceil(s.c / 4);
    return [dispatch('resize_bilinear', { xo: at.off(x), yo: at.off(step.output), ...s, total }, { overrides: { VEC: s.c % 4 === 0 }, groups: grid1d(total) })];
  }),

  lowering(resizeBilinearGrad, (step, _attrs, at) => {
    const [g] = step.inputs;
    const s = resizeSizes(step.output, g);
    const total = (step.output.length / s.c) * Math.ceil(s.c / 4);
    return [dispatch('resize_bilinear_grad', { go: at.off(g), yo: at.off(step.output), ...s, total }, { overrides: { VEC: s.c % 4 === 0 }, groups: grid1d(total) })];
  }),

  lowering(concat, (step, _attrs, at) => {
    const out = step.output;
    const oc = out.shape[out.shape.length - 1];
    let off = 0;
    return step.inputs.map((t): Dispatch => {
      const c = t.shape[t.shape.length - 1];
      const d = dispatch('concat', { xo: at.off(t), yo: at.off(out), c, oc, off, total: t.length }, { overrides: {}, groups: grid1d(t.length) });
      off += c;
      return d;
    });
  }),

  lowering(slice, (step, attrs, at) => {
    const [x] = step.inputs;
    const total = step.output.length;
    const params = { xo: at.off(x), yo: at.off(step.output), c: x.shape[x.shape.length - 1], oc: attrs.end - attrs.start, start: attrs.start, total };
    return [dispatch('slice', params, { overrides: {}, groups: grid1d(total) })];
  }),
];
