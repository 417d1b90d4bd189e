// maxpool, avgpool, global_mean and their gradients: wgsl/pool.wgsl, pool_grad.wgsl, global_mean.wgsl,
// global_mean_grad.wgsl.
import type { Step } from '../../../executor/plan.ts';
import { avgpool } from '../../../ops/avgpool.ts';
import { globalMean } from '../../../ops/global_mean.ts';
import { globalMeanGrad } from '../../../ops/global_mean_grad.ts';
import { maxpool } from '../../../ops/maxpool.ts';
import { poolGrad } from '../../../ops/pool_grad.ts';
import { dispatch, grid1d, lowering, windowParams, type Placement } from './common.ts';

const pool = (kind: 'max' | 'avg') => (step: Step, _attrs: unknown, at: Placement) => {
  const [x] = step.inputs;
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = step.output.shape;
  const total = n * oh * ow * Math.ceil(c / 4);
  const params = { xo: at.off(x), yo: at.off(step.output), h, w, c, oh, ow, ...windowParams(step), total };
  return [dispatch('pool', params, { overrides: { MAX: kind === 'max', VEC: c % 4 === 0 }, groups: grid1d(total) })];
};

export const POOL_LOWERINGS = [
  lowering(maxpool, pool('max')),
  lowering(avgpool, pool('avg')),

  lowering(globalMean, (step, _attrs, at) => {
    const [x] = step.inputs;
    const [n, h, w, c] = x.shape;
    return [dispatch('global_mean', { xo: at.off(x), yo: at.off(step.output), hw: h * w, c, total: n * c }, { overrides: {}, groups: grid1d(n * c) })];
  }),

  lowering(poolGrad, (step, attrs, at) => {
    const [x, g] = step.inputs;
    const [, h, w, c] = x.shape;
    const [, oh, ow] = g.shape;
    const total = (x.length / c) * Math.ceil(c / 4);
    const params = { xo: at.off(x), go: at.off(g), yo: at.off(step.output), h, w, c, oh, ow, ...windowParams(step), total };
    return [dispatch('pool_grad', params, { overrides: { MAX: attrs.kind === 'max', VEC: c % 4 === 0 }, groups: grid1d(total) })];
  }),

  lowering(globalMeanGrad, (step, _attrs, at) => {
    const [, h, w, c] = step.output.shape;
    const total = step.output.length;
    return [dispatch('global_mean_grad', { go: at.off(step.inputs[0]), yo: at.off(step.output), hw: h * w, c, total }, { overrides: {}, groups: grid1d(total) })];
  }),
];
