// A backend with a fallback: binds and runs on the primary (WebGPU) and, the first time the primary
// fails, whether binding a plan or during a run (device lost mid-run, a failed readback), switches to
// the fallback (WebAssembly) for good. A run that failed is re-run on the fallback from the inputs
// written and the steps dispatched since the run began, so the call still returns the right result;
// bound plans switch over on their next use, later binds go straight to the fallback.
import type { Backend, BoundPlan } from './backend.ts';
import type { Plan, PlannedTensor, Step } from '../executor/plan.ts';

export class FallbackBackend implements Backend {
  private current: Backend;
  private switching?: Promise<Backend>;

  constructor(private readonly primary: Backend, private readonly makeFallback: (e: Error) => Promise<Backend>) {
    this.current = primary;
  }

  get name(): string {
    return this.current.name;
  }

  /** The backend that runs now: the primary until it failed, the fallback after. */
  get active(): Backend {
    return this.current;
  }

  get fuse(): boolean | undefined {
    return this.current.fuse;
  }

  /** Whether the primary has failed (everything runs on the fallback from then on). */
  get failedOver(): boolean {
    return this.current !== this.primary;
  }

  /** Switches to the fallback once (reported once); later callers get the same fallback. */
  async failOver(e: Error): Promise<Backend> {
    if (!this.switching) {
      this.switching = this.makeFallback(e);
      try {
        (this.primary as { dispose?: () => void }).dispose?.();
      } catch {
        // a lost device may refuse even its own disposal; the fallback does not need it
      }
    }
    this.current = await this.switching;
    return this.current;
  }

  async bind(plan: Plan): Promise<BoundPlan> {
    if (this.failedOver) return this.current.bind(plan);
    try {
      return new FallbackBound(this, plan, await this.primary.bind(plan));
    } catch (e) {
      return (await this.failOver(e as Error)).bind(plan);
    }
  }

  /** The backend running now refreshes its copies (a later switch binds the fallback from the arrays as they are). */
  weightsChanged(data: Float32Array): void {
    this.current.weightsChanged?.(data);
  }

  dispose(): void {
    (this.current as { dispose?: () => void }).dispose?.();
  }
}

/**
 * A plan bound on the primary that keeps what the current run wrote and dispatched; when the primary
 * fails (a write, a dispatch or a read throws), read() binds the plan on the fallback, replays the run
 * there and reads from it. Errors of the fallback itself propagate.
 */
class FallbackBound implements BoundPlan {
  private inputs = new Map<PlannedTensor, Float32Array>();
  private steps: Step[] = [];
  private runEnded = true;
  private failure?: Error;
  private onPrimary = true;

  constructor(private readonly owner: FallbackBackend, private readonly plan: Plan, private inner: BoundPlan) {}

  write(t: PlannedTensor, data: Float32Array): void {
    this.begin();
    if (this.onPrimary) this.inputs.set(t, data.slice());
    this.guard(() => this.inner.write(t, data));
  }

  dispatch(step: Step): void {
    this.begin();
    if (this.onPrimary) this.steps.push(step);
    this.guard(() => this.inner.dispatch(step));
  }

  async read(t: PlannedTensor): Promise<Float32Array> {
    this.runEnded = true;
    if (this.onPrimary && !this.failure && !this.owner.failedOver) {
      try {
        return await this.inner.read(t);
      } catch (e) {
        this.failure = e as Error;
      }
    }
    if (this.onPrimary) await this.switchOver();
    return this.inner.read(t);
  }

  dispose(): void {
    this.inner.dispose();
  }

  /** A write or dispatch after a read starts a new run. */
  private begin(): void {
    if (!this.runEnded) return;
    this.runEnded = false;
    this.steps = [];
  }

  private guard(f: () => void): void {
    if (!this.onPrimary) return f();
    if (this.failure || this.owner.failedOver) return;
    try {
      f();
    } catch (e) {
      this.failure = e as Error;
    }
  }

  /** Binds the plan on the fallback and replays the current run's writes and dispatches there. */
  private async switchOver(): Promise<void> {
    const fallback = await this.owner.failOver(this.failure ?? new Error('the primary backend failed'));
    const old = this.inner;
    this.inner = await fallback.bind(this.plan);
    this.onPrimary = false;
    try {
      old.dispose();
    } catch {
      // the primary's binding may be unusable; nothing of it is needed any more
    }
    for (const [t, data] of this.inputs) this.inner.write(t, data);
    for (const s of this.steps) this.inner.dispatch(s);
    this.inputs.clear();
    this.steps = [];
  }
}
