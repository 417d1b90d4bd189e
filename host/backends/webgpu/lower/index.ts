// The WebGPU backend's per-op kernel registry: op name -> lowering, one file per op family (as the
// reference ops are one file per op, and as wasm's lower/). Adding an op: its lowering in the family's
// file (or a new file listed here), its shader in wgsl/ and the shader's entry in ../signatures.ts.
import type { Step } from '../../../executor/plan.ts';
import type { Dispatch, KernelOptions, Placement, Registered } from './common.ts';
import { CONV_LOWERINGS } from './conv.ts';
import { ELEMENTWISE_LOWERINGS } from './elementwise.ts';
import { LAYOUT_LOWERINGS } from './layout.ts';
import { POOL_LOWERINGS } from './pool.ts';

export type { Dispatch, KernelOptions, Placement, WeightSource } from './common.ts';
export { SMALL_M } from './conv.ts';

const LOWERINGS = new Map<string, Registered>();
for (const [name, entry] of [...CONV_LOWERINGS, ...ELEMENTWISE_LOWERINGS, ...POOL_LOWERINGS, ...LAYOUT_LOWERINGS]) {
  if (LOWERINGS.has(name)) throw new Error(`webgpu backend: two lowerings for op "${name}"`);
  LOWERINGS.set(name, entry);
}

/** The ops the WebGPU backend runs. */
export const WEBGPU_OPS: ReadonlySet<string> = new Set(LOWERINGS.keys());

function entryOf(step: Step): Registered {
  const entry = LOWERINGS.get(step.op.name);
  if (!entry) throw new Error(`webgpu backend: no kernel for op "${step.op.name}" (node ${step.nodeIndex})`);
  return entry;
}

/** The dispatches of one plan step. */
export function lower(step: Step, at: Placement, opts: KernelOptions = {}): Dispatch[] {
  return entryOf(step).lower(step, step.attrs, at, opts);
}

/** Floats of the scratch region this step needs (0: none); the backend places one region for the largest. */
export function scratchFloats(step: Step): number {
  return entryOf(step).scratch?.(step) ?? 0;
}
