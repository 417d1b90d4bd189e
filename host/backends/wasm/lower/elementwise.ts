// Elementwise and per-channel ops, and their backward helpers (act_grad, channel_sum):
// kernels/elementwise.ts, grad.ts.
import { activationOf } from '../../../executor/fuse.ts';
import type { Step } from '../../../executor/plan.ts';
import { actGrad } from '../../../ops/act_grad.ts';
import { add } from '../../../ops/add.ts';
import { affine } from '../../../ops/affine.ts';
import { bias } from '../../../ops/bias.ts';
import { channelSum } from '../../../ops/channel_sum.ts';
import { clamp } from '../../../ops/clamp.ts';
import { leakyRelu } from '../../../ops/leaky_relu.ts';
import { mul } from '../../../ops/mul.ts';
import { prelu } from '../../../ops/prelu.ts';
import { relu } from '../../../ops/relu.ts';
import { round } from '../../../ops/round.ts';
import { sigmoid } from '../../../ops/sigmoid.ts';
import { tanh } from '../../../ops/tanh.ts';
import { NULL_PTR } from '../../signature.ts';
import { activationArgs, job, lowering, type Addresses } from './common.ts';

/** relu, leaky_relu, clamp, tanh, sigmoid. */
function activation(step: Step, _attrs: unknown, a: Addresses) {
  const act = activationOf(step);
  if (!act) throw new Error(`wasm backend: ${step.op.name} is not an activation`);
  const out = step.output;
  const cost = out.length * (act.kind === 'tanh' || act.kind === 'sigmoid' ? 20 : 1);
  return [job('unary_x4', { x: a.ptr(step.inputs[0]), out: a.ptr(out), op: 'act', ...activationArgs(act) }, out.length, cost)];
}

const binary = (op: 'add' | 'mul') => (step: Step, _attrs: unknown, a: Addresses) => {
  const [x, z] = step.inputs;
  return [job('binary_x4', { a: a.ptr(x), b: a.ptr(z), out: a.ptr(step.output), op }, step.output.length, step.output.length)];
};

const perChannel = (op: 'bias' | 'affine' | 'prelu') => (step: Step, _attrs: unknown, a: Addresses) => {
  const [x, p, q] = step.inputs;
  const C = x.shape[x.shape.length - 1];
  const args = { x: a.ptr(x), p: a.ptr(p), q: q ? a.ptr(q) : NULL_PTR, out: a.ptr(step.output), C, op };
  return [job('channel_x4', args, x.length / C, x.length)];
};

export const ELEMENTWISE_LOWERINGS = [
  ...[relu, leakyRelu, clamp, tanh, sigmoid].map((op) => lowering(op, activation)),
  lowering(round, (step, _attrs, a) => {
    const out = step.output;
    return [job('unary_x4', { x: a.ptr(step.inputs[0]), out: a.ptr(out), op: 'round', act: 'none', p0: 0, p1: 0 }, out.length, out.length)];
  }),
  lowering(add, binary('add')),
  lowering(mul, binary('mul')),
  lowering(bias, perChannel('bias')),
  lowering(affine, perChannel('affine')),
  lowering(prelu, perChannel('prelu')),

  lowering(actGrad, (step, attrs, a) => {
    const [v, g] = step.inputs;
    const args = { v: a.ptr(v), g: a.ptr(g), out: a.ptr(step.output), act: attrs.act, p0: attrs.act === 'clamp' ? attrs.min : attrs.alpha, p1: attrs.max };
    return [job('act_grad_x4', args, step.output.length, step.output.length)];
  }),

  lowering(channelSum, (step, _attrs, a) => {
    const [x] = step.inputs;
    const C = step.output.length;
    return [job('channel_sum_x4', { x: a.ptr(x), out: a.ptr(step.output), P: x.length / C, C }, Math.ceil(C / 4), x.length)];
  }),
];
