// Runs a model on a backend: plans once per distinct input shape (cached), writes the inputs,
// dispatches every step, reads the outputs.
import type { Backend, BoundPlan } from '../backends/backend.ts';
import type { Model } from '../format/model.ts';
import { size, type Shape } from '../ops/op.ts';
import { planGraph, PlanError, type Plan, type PlanOptions } from './plan.ts';

export interface Tensor {
  shape: Shape;
  data: Float32Array;
}

/** Distinct input shapes kept bound at once; the oldest binding is dropped beyond this. */
const MAX_BOUND_PLANS = 4;

export class Executor {
  private bound = new Map<string, { plan: Plan; run: BoundPlan }>();

  readonly planOptions: PlanOptions;

  /** `options.fuse` defaults to what the backend asks for. */
  constructor(readonly model: Model, readonly backend: Backend, options: PlanOptions = {}) {
    this.planOptions = { fuse: backend.fuse ?? false, ...options };
  }

  /** The plan for these input shapes (for inspection: steps, arena bytes). */
  plan(shapes: Record<string, Shape>): Plan {
    return planGraph(this.model, shapes, this.planOptions);
  }

  async run(inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const shapes: Record<string, Shape> = {};
    for (const [name, t] of Object.entries(inputs)) {
      if (t.data.length !== size(t.shape)) throw new PlanError(`input "${name}": ${t.data.length} values for shape [${t.shape.join(', ')}]`);
      shapes[name] = t.shape;
    }
    const key = JSON.stringify(shapes);
    let entry = this.bound.get(key);
    if (!entry) {
      const plan = planGraph(this.model, shapes, this.planOptions);
      entry = { plan, run: await this.backend.bind(plan) };
      this.bound.set(key, entry);
      if (this.bound.size > MAX_BOUND_PLANS) {
        const [oldKey, old] = this.bound.entries().next().value!;
        old.run.dispose();
        this.bound.delete(oldKey);
      }
    }
    const { plan, run } = entry;
    for (const t of plan.inputs) run.write(t, inputs[t.name].data);
    for (const step of plan.steps) run.dispatch(step);
    const out: Record<string, Tensor> = {};
    for (const t of plan.outputs) out[t.name] = { shape: t.shape, data: await run.read(t) };
    return out;
  }

  dispose(): void {
    for (const { run } of this.bound.values()) run.dispose();
    this.bound.clear();
  }
}
