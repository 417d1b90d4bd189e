// Elementwise and per-channel ops, and their backward helpers (act_grad, channel_sum):
// wgsl/elementwise.wgsl, channel.wgsl, act_grad.wgsl, channel_sum.wgsl.
import { activationOf } from '../../../executor/fuse.ts';
import type { Step } from '../../../executor/plan.ts';
import { actGrad } from '../../../ops/act_grad.ts';
import { add } from '../../../ops/add.ts';
import { affine } from '../../../ops/affine.ts';
import { bias } from '../../../ops/bias.ts';
import { channelSum } from '../../../ops/channel_sum.ts';
import { clamp } from '../../../ops/clamp.ts';
import { ACT_CODE, CHANNEL_OP, ELEMENTWISE_OP } from '../../../ops/codes.ts';
import { leakyRelu } from '../../../ops/leaky_relu.ts';
import { mul } from '../../../ops/mul.ts';
import { prelu } from '../../../ops/prelu.ts';
import { relu } from '../../../ops/relu.ts';
import { round } from '../../../ops/round.ts';
import { sigmoid } from '../../../ops/sigmoid.ts';
import { tanh } from '../../../ops/tanh.ts';
import { NULL_PTR, type Ptr } from '../../signature.ts';
import { concat, dispatch, grid1d, lowering, type Dispatch, type Placement, type WeightSource } from './common.ts';
import { activationParams } from './head.ts';

/** relu, leaky_relu, clamp, tanh, sigmoid: elementwise.wgsl with OP act. */
function activation(step: Step, _attrs: unknown, at: Placement): Dispatch[] {
  const act = activationOf(step);
  if (!act) throw new Error(`webgpu backend: ${step.op.name} is not an activation`);
  const { ACT, p0, p1 } = activationParams(act);
  return [elementwise(step, at, ELEMENTWISE_OP.act, ACT, p0, p1)];
}

function elementwise(step: Step, at: Placement, op: number, act: number, p0: number, p1: number): Dispatch {
  const [x, z] = step.inputs;
  const n = step.output.length;
  const params = { xo: at.off(x), zo: z ? at.off(z) : NULL_PTR, yo: at.off(step.output), n, p0, p1 };
  return dispatch('elementwise', params, { overrides: { OP: op, ACT: act }, groups: grid1d(Math.ceil(n / 4)) });
}

/** round, add, mul: elementwise.wgsl with that OP. */
const plain = (op: 'round' | 'add' | 'mul') => (step: Step, _attrs: unknown, at: Placement) => [elementwise(step, at, ELEMENTWISE_OP[op], ACT_CODE.none, 0, 0)];

/** bias, affine and prelu: channel.wgsl; bias runs as affine with scale 1. */
const perChannel = (op: 'bias' | 'affine' | 'prelu') => (step: Step, _attrs: unknown, at: Placement) => {
  const [x, p, q] = step.inputs;
  const c = x.shape[x.shape.length - 1];
  const weights: WeightSource = op === 'prelu' ? { tensor: p }
    : op === 'bias' ? { derived: 'bias-as-affine', from: [p.data!], make: () => concat(new Float32Array(c).fill(1), p.data!) }
    : { derived: 'affine', from: [p.data!, q.data!], make: () => concat(p.data!, q.data!) };
  const n = step.output.length;
  const overrides = { OP: op === 'prelu' ? CHANNEL_OP.prelu : CHANNEL_OP.affine };
  return [dispatch('channel', { xo: at.off(x), yo: at.off(step.output), n, c }, { overrides, weights, groups: grid1d(n) })];
};

/** channel_sum: rows per split above which the sum runs as two dispatches (splits, then their sum). */
const SUM_CHUNK = 2048;
/** Most splits of one reduction (rows of its scratch). */
export const MAX_SPLITS = 64;

/** How channel_sum splits `rows`: splits and rows per split (a multiple of 16, the lanes of a workgroup). */
function sumSplits(rows: number): { splits: number; chunk: number } {
  const chunk = Math.ceil(rows / Math.min(MAX_SPLITS, Math.ceil(rows / SUM_CHUNK)) / 16) * 16;
  return { splits: Math.ceil(rows / chunk), chunk };
}

/** One dispatch of channel_sum.wgsl adding `rows` rows of x [rows, C] at xo in chunks of `chunk` rows into ceil(rows / chunk) rows at yo. */
export function channelSumDispatch(rows: number, c: number, chunk: number, xo: Ptr, yo: Ptr): Dispatch {
  const gx = Math.ceil(c / 64);
  if (gx > 65535) throw new Error(`webgpu backend: channel_sum over ${c} channels exceeds the dispatch grid`);
  return dispatch('channel_sum', { xo, yo, rows, c, chunk }, { overrides: { VEC: c % 4 === 0 }, groups: [gx, Math.ceil(rows / chunk), 1] });
}

export const ELEMENTWISE_LOWERINGS = [
  ...[relu, leakyRelu, clamp, tanh, sigmoid].map((op) => lowering(op, activation)),
  lowering(round, plain('round')),
  lowering(add, plain('add')),
  lowering(mul, plain('mul')),
  lowering(bias, perChannel('bias')),
  lowering(affine, perChannel('affine')),
  lowering(prelu, perChannel('prelu')),

  lowering(actGrad, (step, attrs, at) => {
    const [v, g] = step.inputs;
    const n = step.output.length;
    const params = { vo: at.off(v), go: at.off(g), yo: at.off(step.output), n, p0: attrs.act === 'clamp' ? attrs.min : attrs.alpha, p1: attrs.max };
    return [dispatch('act_grad', params, { overrides: { ACT: ACT_CODE[attrs.act] }, groups: grid1d(Math.ceil(n / 4)) })];
  }),

  // x [P, C] -> [C]: one dispatch, or splits into the scratch region and then their sum.
  lowering(
    channelSum,
    (step, _attrs, at) => {
      const [x] = step.inputs;
      const c = step.output.length, rows = x.length / c;
      const { splits, chunk } = sumSplits(rows);
      const [xo, yo] = [at.off(x), at.off(step.output)];
      if (splits === 1) return [channelSumDispatch(rows, c, rows, xo, yo)];
      return [channelSumDispatch(rows, c, chunk, xo, at.scratch), channelSumDispatch(splits, c, splits, at.scratch, yo)];
    },
    (step) => {
      const c = step.output.length;
      const { splits } = sumSplits(step.inputs[0].length / c);
      return splits > 1 ? splits * c : 0;
    },
  ),
];
