// The wasm backend's per-op kernel registry: op name -> lowering, one file per op family (as the
// reference ops are one file per op). Adding an op: its lowering in the family's file (or a new file
// listed here), its kernel in kernels/ and the kernel's entry in ../signatures.ts.
import type { Step } from '../../../executor/plan.ts';
import type { Addresses, Job, Lowering, LowerOptions } from './common.ts';
import { CONV_LOWERINGS } from './conv.ts';
import { ELEMENTWISE_LOWERINGS } from './elementwise.ts';
import { LAYOUT_LOWERINGS } from './layout.ts';
import { POOL_LOWERINGS } from './pool.ts';

export type { Addresses, ConvKernelChoice, Job, LowerOptions } from './common.ts';

const LOWERINGS = new Map<string, Lowering<any>>();
for (const [name, lower] of [...CONV_LOWERINGS, ...ELEMENTWISE_LOWERINGS, ...POOL_LOWERINGS, ...LAYOUT_LOWERINGS]) {
  if (LOWERINGS.has(name)) throw new Error(`wasm backend: two lowerings for op "${name}"`);
  LOWERINGS.set(name, lower);
}

/** The ops the wasm backend runs. */
export const WASM_OPS: ReadonlySet<string> = new Set(LOWERINGS.keys());

/** The kernel jobs of one plan step. */
export function lower(step: Step, a: Addresses, options: LowerOptions = { convKernel: 'auto' }): Job[] {
  const lowerOp = LOWERINGS.get(step.op.name);
  if (!lowerOp) throw new Error(`wasm backend: no kernel for op "${step.op.name}" (node ${step.nodeIndex})`);
  return lowerOp(step, step.attrs, a, options);
}
