// The reference backend: one Float32Array arena, each step runs its op's plain TypeScript reference
// (then the reference epilogue for fused steps). Slow and obviously right; every other backend is
// tested against it.
import type { Backend, BoundPlan } from '../backend.ts';
import type { Plan, PlannedTensor } from '../../executor/plan.ts';
import { applyEpilogue } from '../../executor/fuse.ts';

export class RefBackend implements Backend {
  readonly name = 'ref';

  bind(plan: Plan): BoundPlan {
    const arena = new Float32Array(plan.arenaFloats);
    const view = (t: PlannedTensor) => (t.kind === 'weight' ? t.data! : arena.subarray(t.offset, t.offset + t.length));
    return {
      write: (t, data) => arena.set(data, t.offset),
      dispatch: (step) => {
        const out = view(step.output);
        step.op.ref(step.inputs.map(view), step.inputs.map((t) => t.shape), out, step.output.shape, step.attrs);
        if (step.epilogue) applyEpilogue(out, step.epilogue, step.epilogue.residual && view(step.epilogue.residual));
      },
      read: async (t) => view(t).slice(),
      dispose: () => {},
    };
  }
}
