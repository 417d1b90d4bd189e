// What every lowering shares: a plan step becomes one or more kernel jobs (kernel, argument slots,
// number of work units, rough cost), chosen once at bind time; dispatch only copies the slots. The
// slots come from writeArgs (signatures.ts), so a lowering names every argument and its type.
import type { Activation } from '../../../executor/fuse.ts';
import type { Step, PlannedTensor } from '../../../executor/plan.ts';
import type { OpDef } from '../../../ops/op.ts';
import { NULL_PTR, type Ptr } from '../../signature.ts';
import { writeArgs, type KernelArgs, type WasmKernel } from '../signatures.ts';

export interface Job {
  kernel: WasmKernel;
  /** Argument slots as raw 32-bit words (ints, pointers, or f32 bit patterns). */
  slots: Int32Array;
  units: number;
  /** Work estimate (multiply-adds or bytes moved) used to decide whether threads are worth waking. */
  cost: number;
}

/** What lowering needs from the backend: addresses of tensors and packed constants. */
export interface Addresses {
  /** Arena tensor or raw weight. */
  ptr(t: PlannedTensor): Ptr;
  /** A constant [..., C] padded on its last axis to a multiple of 4 channels (zeros). */
  packed(data: Float32Array, lastDim: number): Ptr;
  /** A zero region of at least n floats. */
  zeros(n: number): Ptr;
}

/** Forces a conv2d micro-kernel (benchmarks); otherwise chosen per shape. */
export type ConvKernelChoice = 'auto' | 'conv2d_nhwc_4x8' | 'conv2d_nhwc_2x16';

export interface LowerOptions {
  convKernel: ConvKernelChoice;
}

/** One op's lowering, with the attributes its OpDef parses. */
export type Lowering<A> = (step: Step, attrs: A, a: Addresses, options: LowerOptions) => Job[];

/** A registry entry: the op's name and its lowering (attrs typed by the op). */
export function lowering<A>(op: OpDef<A>, lower: Lowering<A>): [string, Lowering<any>] {
  return [op.name, lower];
}

/** One kernel call. */
export function job<K extends WasmKernel>(kernel: K, args: KernelArgs<K>, units: number, cost: number): Job {
  return { kernel, slots: writeArgs(kernel, args), units, cost };
}

export const c4 = (c: number): number => Math.ceil(c / 4) * 4;

/**
 * Weights [..., C] as the kernels want them: model weights packed to C4 channels once; weights computed
 * in the arena (training's transposed weights) used in place, which needs C % 4 == 0.
 */
export function weightsAt(a: Addresses, t: PlannedTensor, c: number, op: string): Ptr {
  if (t.kind === 'weight') return a.packed(t.data!, c);
  if (c % 4) throw new Error(`wasm backend: ${op} with computed weights needs a multiple of 4 output channels, got ${c}`);
  return a.ptr(t);
}

/** The scale/shift/residual/activation arguments of a head step (identity when it has no epilogue). */
export function epilogueArgs(step: Step, a: Addresses, cout: number, bias: PlannedTensor | undefined) {
  const e = step.epilogue;
  const scale = e ? e.scale.data! : new Float32Array(cout).fill(1);
  const shift = e ? e.shift.data! : bias ? bias.data! : new Float32Array(cout);
  const act: Activation = e?.act ?? { kind: 'none' };
  return { scale: a.packed(scale, cout), shift: a.packed(shift, cout), res: e?.residual ? a.ptr(e.residual) : NULL_PTR, ...activationArgs(act) };
}

/** An activation as kernel arguments: its code, and p0 / p1 (leaky_relu's alpha, clamp's bounds). */
export function activationArgs(act: Activation) {
  const p0 = act.kind === 'leaky_relu' ? act.alpha : act.kind === 'clamp' ? act.min : 0;
  return { act: act.kind, p0, p1: act.kind === 'clamp' ? act.max : 0 };
}

/** The window arguments of a sliding-window step, as the planner resolved them (Step.window). */
export function windowArgs(step: Step) {
  const w = step.window;
  if (!w) throw new Error(`wasm backend: step ${step.nodeIndex} (${step.op.name}) has no resolved window`);
  return { KH: w.kernel[0], KW: w.kernel[1], SH: w.stride[0], SW: w.stride[1], PT: w.top, PL: w.left };
}
