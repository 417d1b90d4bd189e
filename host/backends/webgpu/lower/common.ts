// What every WebGPU lowering shares: a plan step becomes one or more dispatches (shader, override
// constants, uniform params, weight bindings, grid), chosen once at bind time. Pure: no GPU objects, so
// the same dispatches drive the real device and Dawn's null-backend compile check. The params come
// from writeParams (../signatures.ts), so a lowering names every field of the shader's Params.
import type { Step, PlannedTensor } from '../../../executor/plan.ts';
import type { OpDef } from '../../../ops/op.ts';
import type { Ptr } from '../../signature.ts';
import { writeParams, type KernelParams, type WebGPUKernel } from '../signatures.ts';

/**
 * Where a weight-side binding comes from: the tensor's own data, data derived from tensors once, or
 * nothing (`arena`: the kernel reads a weight computed in the arena, W_ARENA in wgsl/weights.wgsl, and
 * the binding holds a placeholder).
 */
export type WeightSource =
  | { tensor: PlannedTensor }
  | { derived: string; from: Float32Array[]; make: () => Float32Array }
  | { arena: PlannedTensor };

/** One dispatch of a kernel shader. */
export interface Dispatch {
  shader: WebGPUKernel;
  overrides: Record<string, number | boolean>;
  /** The uniform Params, as 32-bit words (writeParams). */
  params: Int32Array;
  /** Binding 2 (weights / per-channel parameters), if the shader has one. */
  weights?: WeightSource;
  /** Binding 8 (the epilogue's packed scale/shift), for head shaders. */
  scaleShift?: WeightSource;
  /** Workgroup counts. */
  groups: [number, number, number];
}

/** Arena placement of a plan: tensor offsets (weights read as activations get a slot at bind time), and the scratch region. */
export interface Placement {
  off(t: PlannedTensor): Ptr;
  /** Start of the scratch region of scratchFloats() floats (-1 when the plan needs none: writeParams rejects it). */
  scratch: Ptr;
}

export interface KernelOptions {
  /** 'naive' runs groups = 1 conv2d on the one-output-per-invocation yardstick kernel. */
  conv?: 'tiled' | 'naive';
}

/** One op's lowering, with the attributes its OpDef parses. */
export type Lowering<A> = (step: Step, attrs: A, at: Placement, opts: KernelOptions) => Dispatch[];

export interface Registered {
  lower: Lowering<any>;
  /** Floats of scratch this step needs (split reductions); none when absent. */
  scratch?: (step: Step) => number;
}

/** A registry entry: the op's name and its lowering (attrs typed by the op). */
export function lowering<A>(op: OpDef<A>, lower: Lowering<A>, scratch?: (step: Step) => number): [string, Registered] {
  return [op.name, scratch ? { lower, scratch } : { lower }];
}

/** One dispatch of `shader` with its params named field by field. */
export function dispatch<K extends WebGPUKernel>(shader: K, params: KernelParams<K>, rest: Omit<Dispatch, 'shader' | 'params'>): Dispatch {
  return { shader, params: writeParams(shader, params), ...rest };
}

const MAX_GROUPS = 65535;

/** A 1-D grid of `n` invocations in workgroups of 64, laid over x and y. */
export function grid1d(n: number): [number, number, number] {
  const g = Math.max(1, Math.ceil(n / 64));
  if (g <= MAX_GROUPS) return [g, 1, 1];
  return [MAX_GROUPS, Math.ceil(g / MAX_GROUPS), 1];
}

/** `tiles` workgroups along y, split over y and z of the grid. */
export function splitYZ(tiles: number): [number, number] {
  return tiles <= MAX_GROUPS ? [tiles, 1] : [MAX_GROUPS, Math.ceil(tiles / MAX_GROUPS)];
}

/** The window fields of a sliding-window step, as the planner resolved them (Step.window). */
export function windowParams(step: Step) {
  const w = step.window;
  if (!w) throw new Error(`webgpu backend: step ${step.nodeIndex} (${step.op.name}) has no resolved window`);
  return { kh: w.kernel[0], kw: w.kernel[1], sy: w.stride[0], sx: w.stride[1], top: w.top, left: w.left };
}

export function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
