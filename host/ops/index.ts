// The op registry: every op the graph format may name.
import type { OpDef } from './op.ts';
import { add } from './add.ts';
import { affine } from './affine.ts';
import { avgpool } from './avgpool.ts';
import { bias } from './bias.ts';
import { clamp } from './clamp.ts';
import { concat } from './concat.ts';
import { conv2d } from './conv2d.ts';
import { convTranspose2d } from './conv_transpose2d.ts';
import { dense } from './dense.ts';
import { depthToSpace } from './depth_to_space.ts';
import { globalMean } from './global_mean.ts';
import { leakyRelu } from './leaky_relu.ts';
import { maxpool } from './maxpool.ts';
import { mul } from './mul.ts';
import { pad } from './pad.ts';
import { prelu } from './prelu.ts';
import { relu } from './relu.ts';
import { resizeBilinear } from './resize_bilinear.ts';
import { round } from './round.ts';
import { sigmoid } from './sigmoid.ts';
import { slice } from './slice.ts';
import { spaceToDepth } from './space_to_depth.ts';
import { tanh } from './tanh.ts';
// Backward ops (host/train/grad-graph.ts emits them).
import { actGrad } from './act_grad.ts';
import { channelSum } from './channel_sum.ts';
import { conv2dGradWeight } from './conv2d_grad_weight.ts';
import { crop } from './crop.ts';
import { globalMeanGrad } from './global_mean_grad.ts';
import { poolGrad } from './pool_grad.ts';
import { resizeBilinearGrad } from './resize_bilinear_grad.ts';
import { weightTranspose } from './weight_transpose.ts';

const all: OpDef<any>[] = [
  add, affine, avgpool, bias, clamp, concat, conv2d, convTranspose2d, dense, depthToSpace, globalMean, leakyRelu,
  maxpool, mul, pad, prelu, relu, resizeBilinear, round, sigmoid, slice, spaceToDepth, tanh,
  actGrad, channelSum, conv2dGradWeight, crop, globalMeanGrad, poolGrad, resizeBilinearGrad, weightTranspose,
];

export const OPS: ReadonlyMap<string, OpDef<any>> = new Map(all.map((op) => [op.name, op]));

export function getOp(name: string): OpDef<any> | undefined {
  return OPS.get(name);
}

export type { OpDef, Shape } from './op.ts';
