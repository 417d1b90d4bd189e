// Planning: bind symbolic dims to the actual input shapes, infer every tensor's shape, and lay the
// activations out in one arena so that a buffer is reused as soon as its last reader has run.
import type { Dim } from '../format/graph.ts';
import type { Model } from '../format/model.ts';
import { OpError, size, type OpDef, type Shape, type Window } from '../ops/op.ts';
import { fuseEpilogues, type Epilogue } from './fuse.ts';

/** Arena offsets are multiples of this many floats (256 bytes: WebGPU's storage-buffer offset alignment). */
export const ALIGN_FLOATS = 64;

export interface PlannedTensor {
  name: string;
  shape: Shape;
  /** Element count. */
  length: number;
  kind: 'input' | 'weight' | 'activation';
  /** Float offset in the arena (activations and inputs); -1 for weights. */
  offset: number;
  /** Weights only: the dequantised values. */
  data?: Float32Array;
}

export interface Step {
  op: OpDef<any>;
  attrs: unknown;
  inputs: PlannedTensor[];
  output: PlannedTensor;
  /** Index of the node in the graph file, for error messages. */
  nodeIndex: number;
  /** Fused write-back (bias/affine/residual/activation); see fuse.ts. */
  epilogue?: Epilogue;
  /** Ops that slide a window (OpDef.window: conv, pool and their gradients): resolved once, here. */
  window?: Window;
}

/** Every tensor a step reads, the epilogue's residual included. */
export function stepReads(s: Step): PlannedTensor[] {
  return s.epilogue?.residual ? [...s.inputs, s.epilogue.residual] : s.inputs;
}

export interface PlanOptions {
  /** Fuse per-channel ops, residual adds and activations into conv/dense write-backs (default false). */
  fuse?: boolean;
  /**
   * Weights that change between runs (training): fusion never folds them into plan constants; a head's
   * own live bias becomes the epilogue's shift as it is, and no other linear op joins its chain.
   */
  liveWeights?: ReadonlySet<string>;
  /** Extra floats reserved after every activation, for out-of-bounds write checks in tests (default 0). */
  guard?: number;
  /** Never reuse memory: every activation stays readable after the run (training's backward pass). */
  keepAll?: boolean;
}

export interface Plan {
  model: Model;
  steps: Step[];
  tensors: Map<string, PlannedTensor>;
  inputs: PlannedTensor[];
  outputs: PlannedTensor[];
  /** Arena size in floats; arenaFloats * 4 is the peak activation memory. */
  arenaFloats: number;
  /** Sum of all activation sizes without reuse, to show what planning saved. */
  naiveFloats: number;
}

/** Floating-point operations of one run of a plan: the sum of each op's own flops() (ops without one count 0). */
export function planFlops(plan: Plan): number {
  return plan.steps.reduce((a, s) => a + (s.op.flops?.(s.inputs.map((t) => t.shape), s.output.shape, s.attrs) ?? 0), 0);
}

export class PlanError extends Error {
  override name = 'PlanError';
}

export function bindInputs(model: Model, shapes: Record<string, Shape>): Map<string, Shape> {
  const symbols = new Map<string, number>();
  const bound = new Map<string, Shape>();
  for (const inp of model.graph.inputs) {
    const s = shapes[inp.name];
    if (!s) throw new PlanError(`missing input "${inp.name}"`);
    if (s.length !== inp.shape.length) throw new PlanError(`input "${inp.name}": rank ${s.length}, expected ${fmt(inp.shape)}`);
    inp.shape.forEach((d: Dim, i) => {
      const v = s[i];
      if (!Number.isSafeInteger(v) || v < 1) throw new PlanError(`input "${inp.name}": dim ${i} is ${v}`);
      if (typeof d === 'number' && d !== v) throw new PlanError(`input "${inp.name}": shape [${s.join(', ')}] does not match ${fmt(inp.shape)}`);
      if (typeof d === 'string') {
        const prev = symbols.get(d);
        if (prev !== undefined && prev !== v) throw new PlanError(`input "${inp.name}": symbol ${d} is ${v} here but ${prev} elsewhere`);
        symbols.set(d, v);
      }
    });
    bound.set(inp.name, s.slice());
  }
  return bound;
}

export function planGraph(model: Model, shapes: Record<string, Shape>, options: PlanOptions = {}): Plan {
  const tensors = new Map<string, PlannedTensor>();
  for (const [name, w] of model.weights) tensors.set(name, { name, shape: w.shape, length: w.data.length, kind: 'weight', offset: -1, data: w.data });
  const inputs: PlannedTensor[] = [];
  for (const [name, s] of bindInputs(model, shapes)) {
    const t: PlannedTensor = { name, shape: s, length: size(s), kind: 'input', offset: -1 };
    tensors.set(name, t);
    inputs.push(t);
  }

  let steps: Step[] = model.order.map((node) => {
    const ins = node.inputs.map((n) => tensors.get(n)!);
    let shape: Shape;
    let window: Window | undefined;
    try {
      shape = node.op.inferShape(ins.map((t) => t.shape), node.attrs);
      window = node.op.window?.(ins.map((t) => t.shape), node.attrs);
    } catch (e) {
      if (e instanceof OpError) throw new PlanError(`node ${node.index} (${node.op.name} -> ${node.output}): ${e.message}`);
      throw e;
    }
    const output: PlannedTensor = { name: node.output, shape, length: size(shape), kind: 'activation', offset: -1 };
    tensors.set(node.output, output);
    return { op: node.op, attrs: node.attrs, inputs: ins, output, nodeIndex: node.index, ...(window ? { window } : {}) };
  });
  const outputs = model.graph.outputs.map((n) => tensors.get(n)!);
  if (options.fuse) steps = fuseEpilogues(steps, new Set(outputs), options.liveWeights);

  // Liveness: the last step that reads each tensor; graph outputs live to the end.
  const lastUse = new Map<PlannedTensor, number>();
  steps.forEach((s, i) => stepReads(s).forEach((t) => lastUse.set(t, i)));
  for (const t of outputs) lastUse.set(t, steps.length);

  const guard = options.guard ?? 0;
  const arena = new FirstFitArena();
  for (const t of inputs) t.offset = arena.alloc(t.length + guard);
  steps.forEach((s, i) => {
    // Allocate before freeing this step's inputs: an op never writes over what it reads.
    s.output.offset = arena.alloc(s.output.length + guard);
    for (const t of new Set([...stepReads(s), s.output])) {
      if (!options.keepAll && t.kind !== 'weight' && (lastUse.get(t) ?? -1) <= i) arena.free(t.offset);
    }
  });
  const naiveFloats = [...inputs, ...steps.map((s) => s.output)].reduce((a, t) => a + roundUp(t.length), 0);
  return { model, steps, tensors, inputs, outputs, arenaFloats: arena.high, naiveFloats };
}

const roundUp = (n: number) => Math.ceil(n / ALIGN_FLOATS) * ALIGN_FLOATS;

/** First-fit over live blocks sorted by offset; `high` is the arena size needed. */
class FirstFitArena {
  private blocks: Array<{ offset: number; length: number }> = [];
  high = 0;

  alloc(n: number): number {
    const len = roundUp(Math.max(n, 1));
    let offset = 0;
    let at = 0;
    for (; at < this.blocks.length; at++) {
      const b = this.blocks[at];
      if (b.offset - offset >= len) break;
      offset = b.offset + b.length;
    }
    this.blocks.splice(at, 0, { offset, length: len });
    this.high = Math.max(this.high, offset + len);
    return offset;
  }

  free(offset: number): void {
    const i = this.blocks.findIndex((b) => b.offset === offset);
    if (i >= 0) this.blocks.splice(i, 1);
  }
}

const fmt = (s: Dim[]) => `[${s.join(', ')}]`;
