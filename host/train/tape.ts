// Reverse-mode differentiation on any backend. For each input shape the tape builds the training graph
// (grad-graph.ts: forward nodes, then backward nodes, all graph ops), plans it once (arena reuse across
// both passes) and binds it on the backend. forward() writes the inputs and runs the forward steps;
// backward() writes the output gradients (seeds) and runs the backward steps of the same binding, then
// reads the gradients. Activations stay in the backend's memory between the two.
import type { Backend, BoundPlan } from '../backends/backend.ts';
import { planGraph, type Plan, type Step } from '../executor/plan.ts';
import type { Model } from '../format/model.ts';
import { size, type Shape } from '../ops/op.ts';
import { gradGraph, type GradGraph } from './grad-graph.ts';

/** Input shapes kept bound at once; the oldest binding is released beyond this. */
const MAX_BOUND = 4;

interface Bound {
  key: string;
  grad: GradGraph;
  plan: Plan;
  run: BoundPlan;
  forward: Step[];
  backward: Step[];
  /** Bumped by every forward(); backward() must belong to the latest. */
  generation: number;
}

export interface Activations {
  /** The graph inputs and outputs by name. */
  values: Map<string, Float32Array>;
  readonly bound: Bound;
  readonly generation: number;
}

export class Tape {
  private bound = new Map<string, Bound>();
  private readonly wantInputs: ReadonlySet<string>;

  /**
   * `params`: the weights that get gradients (updated in place by an optimiser, then weightsChanged()).
   * `wantInputs`: graph inputs whose gradients backward() may return (default: all).
   */
  constructor(readonly model: Model, readonly backend: Backend, readonly params: ReadonlySet<string>, wantInputs?: ReadonlySet<string>) {
    for (const p of params) if (!model.weights.has(p)) throw new Error(`tape: no weight named "${p}"`);
    this.wantInputs = wantInputs ?? new Set(model.graph.inputs.map((i) => i.name));
  }

  private async bind(shapes: Record<string, Shape>): Promise<Bound> {
    const key = JSON.stringify(this.model.graph.inputs.map((i) => shapes[i.name]));
    const hit = this.bound.get(key);
    if (hit) return hit;
    const grad = gradGraph(this.model, shapes, this.params, this.wantInputs);
    const seedShapes = Object.fromEntries([...grad.seeds].map(([o, s]) => [s, grad.model.graph.inputs.find((i) => i.name === s)!.shape as Shape]));
    // Trainable weights are live: fusion keeps them out of plan constants (their updates reach the kernels).
    const plan = planGraph(grad.model, { ...shapes, ...seedShapes }, { fuse: this.backend.fuse ?? false, liveWeights: this.params });
    const split = plan.steps.findIndex((s) => s.nodeIndex >= grad.forwardNodes);
    const forward = split < 0 ? plan.steps : plan.steps.slice(0, split), backward = split < 0 ? [] : plan.steps.slice(split);
    if (backward.some((s) => s.nodeIndex < grad.forwardNodes)) throw new Error('tape: plan interleaves forward and backward steps');
    const entry: Bound = { key, grad, plan, run: await this.backend.bind(plan), forward, backward, generation: 0 };
    this.bound.set(key, entry);
    if (this.bound.size > MAX_BOUND) {
      const [oldKey, old] = this.bound.entries().next().value!;
      old.run.dispose();
      this.bound.delete(oldKey);
    }
    return entry;
  }

  async forward(inputs: Record<string, { shape: Shape; data: Float32Array }>): Promise<Activations> {
    for (const [name, t] of Object.entries(inputs)) if (t.data.length !== size(t.shape)) throw new Error(`tape: input "${name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    const b = await this.bind(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.shape])));
    const values = new Map<string, Float32Array>();
    for (const name of this.model.graph.inputs.map((i) => i.name)) {
      b.run.write(b.plan.tensors.get(name)!, inputs[name].data);
      values.set(name, inputs[name].data);
    }
    for (const s of b.forward) b.run.dispatch(s);
    for (const o of this.model.graph.outputs) values.set(o, await b.run.read(b.plan.tensors.get(o)!));
    return { values, bound: b, generation: ++b.generation };
  }

  /**
   * Gradients of the loss given dLoss/d(output) for some outputs (the others count as zero). Returns
   * the gradients of the trainable weights and of the graph inputs named in `wantInputs`.
   */
  async backward(acts: Activations, seeds: Map<string, Float32Array>, wantInputs: ReadonlySet<string> = new Set()): Promise<{ params: Map<string, Float32Array>; inputs: Map<string, Float32Array> }> {
    const b = acts.bound;
    if (this.bound.get(b.key) !== b) throw new Error('tape: these activations were released (more input shapes than the tape keeps, or dispose())');
    if (acts.generation !== b.generation) throw new Error('tape: backward() needs the activations of the latest forward() at this shape');
    for (const [o, s] of b.grad.seeds) {
      const t = b.plan.tensors.get(s)!;
      const g = seeds.get(o) ?? new Float32Array(t.length);
      if (g.length !== t.length) throw new Error(`tape: seed for "${o}" has ${g.length} values, expected ${t.length}`);
      b.run.write(t, g);
    }
    for (const o of seeds.keys()) if (!b.grad.seeds.has(o)) throw new Error(`tape: "${o}" is not a graph output that depends on a trainable weight or input`);
    for (const s of b.backward) b.run.dispatch(s);
    const params = new Map<string, Float32Array>(), inputs = new Map<string, Float32Array>();
    for (const [name, g] of b.grad.grads) {
      if (this.params.has(name)) params.set(name, await b.run.read(b.plan.tensors.get(g)!));
      else if (wantInputs.has(name)) inputs.set(name, await b.run.read(b.plan.tensors.get(g)!));
    }
    for (const n of wantInputs) if (!this.wantInputs.has(n)) throw new Error(`tape: input "${n}" was not named when the tape was made`);
    return { params, inputs };
  }

  /** After an optimiser changed the trainable weights in place: the backend refreshes its copies. */
  weightsChanged(): void {
    for (const p of this.params) this.backend.weightsChanged?.(this.model.weights.get(p)!.data);
  }

  dispose(): void {
    for (const { run } of this.bound.values()) run.dispose();
    this.bound.clear();
  }
}
