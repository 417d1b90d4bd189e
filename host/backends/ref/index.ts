// The reference backend: one Float32Array arena, each step runs its op's plain TypeScript reference.
// Slow and obviously right; every other backend is tested against it.
import type { Backend, BoundPlan } from '../backend.ts';
import type { Plan, PlannedTensor } from '../../executor/plan.ts';

export class RefBackend implements Backend {
  readonly name = 'ref';

  bind(plan: Plan): BoundPlan {
    const arena = new Float32Array(plan.arenaFloats);
    const view = (t: PlannedTensor) => (t.kind === 'weight' ? t.data! : arena.subarray(t.offset, t.offset + t.length));
    return {
      write: (t, data) => arena.set(data, t.offset),
      dispatch: (step) => step.op.ref(step.inputs.map(view), step.inputs.map((t) => t.shape), view(step.output), step.output.shape, step.attrs),
      read: async (t) => view(t).slice(),
      dispose: () => {},
    };
  }
}
