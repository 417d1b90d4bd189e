// The one interface every backend implements. The executor plans; a backend binds a plan to its own
// memory (one arena for activations, weights uploaded once), then runs steps in order.
import type { Plan, PlannedTensor, Step } from '../executor/plan.ts';

export interface Backend {
  readonly name: string;
  /** Whether plans for this backend should fuse epilogues (see executor/fuse.ts). */
  readonly fuse?: boolean;
  /** Allocate what this plan needs (arena of plan.arenaFloats, weights) and return a runnable binding. */
  bind(plan: Plan): Promise<BoundPlan> | BoundPlan;
  /** A weight array was changed in place (training): refresh every copy the backend keeps of it. */
  weightsChanged?(data: Float32Array): void;
}

export interface BoundPlan {
  /** Copy an input into its arena slot. `data.length` equals `tensor.length`. */
  write(tensor: PlannedTensor, data: Float32Array): void;
  /** Run (or enqueue) one step; steps are dispatched in plan order. */
  dispatch(step: Step): void;
  /** Wait for everything dispatched and return a copy of a tensor. */
  read(tensor: PlannedTensor): Promise<Float32Array>;
  dispose(): void;
}
