// The weight operand and the fused write-back of the head kernels (conv2d and its variants,
// conv_transpose2d, dense): wgsl/weights.wgsl and wgsl/epilogue.wgsl.
import type { Activation } from '../../../executor/fuse.ts';
import type { PlannedTensor, Step } from '../../../executor/plan.ts';
import { ACT_CODE } from '../../../ops/codes.ts';
import { NULL_PTR, type Ptr } from '../../signature.ts';
import { concat, type Placement, type WeightSource } from './common.ts';

/** An activation as the ACT override and the p0 / p1 fields (leaky_relu's alpha, clamp's bounds). */
export function activationParams(act: Activation): { ACT: number; p0: number; p1: number } {
  const p0 = act.kind === 'leaky_relu' ? act.alpha : act.kind === 'clamp' ? act.min : 0;
  return { ACT: ACT_CODE[act.kind], p0, p1: act.kind === 'clamp' ? act.max : 0 };
}

/** One all-ones vector per length, so that every plan shares one uploaded (1, 0) scale/shift. */
const UNITS = new Map<number, Float32Array>();
function unitVector(c: number): Float32Array {
  let u = UNITS.get(c);
  if (!u) UNITS.set(c, (u = new Float32Array(c).fill(1)));
  return u;
}

/** Packed [scale(C), shift(C)] for a head: the fused epilogue's, or (1, bias or 0) unfused. */
function scaleShiftOf(step: Step, c: number): WeightSource {
  const e = step.epilogue;
  if (e) return { derived: 'epilogue', from: [e.scale.data!, e.shift.data!], make: () => concat(e.scale.data!, e.shift.data!) };
  const bias = step.inputs[2];
  if (bias) return { derived: 'bias', from: [bias.data!], make: () => concat(new Float32Array(c).fill(1), bias.data!) };
  return { derived: 'unit', from: [unitVector(c)], make: () => concat(unitVector(c), new Float32Array(c)) };
}

/** A head step's write-back over `c` output channels: overrides, the EPILOGUE params and the scale/shift binding. */
export function epilogueOf(step: Step, c: number, at: Placement) {
  const e = step.epilogue;
  const { ACT, p0, p1 } = activationParams(e?.act ?? { kind: 'none' });
  const res = e?.residual;
  return {
    overrides: { ACT, HAS_RES: !!res },
    params: { nc: c, p0, p1, res: res ? at.off(res) : NULL_PTR },
    scaleShift: scaleShiftOf(step, c),
  };
}

/** A weight operand: a constant at binding 2, or a tensor computed in the arena (W_ARENA, read at offset wo). */
export function weightOperand(w: PlannedTensor, at: Placement): { weights: WeightSource; W_ARENA: boolean; wo: Ptr } {
  if (w.kind === 'weight') return { weights: { tensor: w }, W_ARENA: false, wo: NULL_PTR };
  return { weights: { arena: w }, W_ARENA: true, wo: at.off(w) };
}
