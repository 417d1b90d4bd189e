// maxpool, avgpool, global_mean and their gradients: kernels/pool.ts, grad.ts.
import { avgpool } from '../../../ops/avgpool.ts';
import { globalMean } from '../../../ops/global_mean.ts';
import { globalMeanGrad } from '../../../ops/global_mean_grad.ts';
import { maxpool } from '../../../ops/maxpool.ts';
import type { PoolAttrs } from '../../../ops/pool.ts';
import { poolGrad } from '../../../ops/pool_grad.ts';
import type { Step } from '../../../executor/plan.ts';
import { job, lowering, windowArgs, type Addresses } from './common.ts';

const pool = (kind: 'max' | 'avg') => (step: Step, attrs: PoolAttrs, a: Addresses) => {
  const [x] = step.inputs;
  const [N, H, W, C] = x.shape;
  const [, OH, OW] = step.output.shape;
  const args = { x: a.ptr(x), out: a.ptr(step.output), N, H, W, C, OH, OW, ...windowArgs(step), kind };
  return [job('pool_x4', args, N * OH, step.output.length * attrs.kernel[0] * attrs.kernel[1])];
};

export const POOL_LOWERINGS = [
  lowering(maxpool, pool('max')),
  lowering(avgpool, pool('avg')),

  lowering(globalMean, (step, _attrs, a) => {
    const [x] = step.inputs;
    const [N, H, W, C] = x.shape;
    return [job('global_mean_x4', { x: a.ptr(x), out: a.ptr(step.output), HW: H * W, C }, N, x.length)];
  }),

  lowering(poolGrad, (step, attrs, a) => {
    const [x, g] = step.inputs;
    const [N, H, W, C] = x.shape;
    const [, OH, OW] = g.shape;
    const args = { x: a.ptr(x), g: a.ptr(g), dx: a.ptr(step.output), N, H, W, C, OH, OW, ...windowArgs(step), kind: attrs.kind };
    return [job('pool_grad_x1', args, N * Math.ceil(C / 4), x.length + g.length * attrs.kernel[0] * attrs.kernel[1])];
  }),

  lowering(globalMeanGrad, (step, _attrs, a) => {
    const [N, H, W, C] = step.output.shape;
    return [job('global_mean_grad_x1', { g: a.ptr(step.inputs[0]), dx: a.ptr(step.output), HW: H * W, C }, N * H * W, step.output.length)];
  }),
];
