// FROZEN COPY of host/train/tape.ts as of 7a53d05 (the wasm-only tape with plain-TypeScript backward
// passes), kept so that bench/train-step.ts measures the old path and the new one in one process.
// Not used by the product; do not edit.
// Reverse-mode differentiation over a model graph. The forward pass runs on a backend with a plan that
// keeps every activation; the backward pass walks the steps in reverse, using the wasm SIMD kernels for
// conv2d (the bulk of the work) and the reference backward passes (backward.ts) for everything else.
import type { Backend, BoundPlan } from '../../host/backends/backend.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { planGraph, type Plan, type Step } from '../../host/executor/plan.ts';
import type { Model } from '../../host/format/model.ts';
import { slidingWindow, size, type Shape } from '../../host/ops/op.ts';
import type { Conv2dAttrs } from '../../host/ops/conv2d.ts';
import { GRADS } from './backward-v0.ts';

export interface Activations {
  plan: Plan;
  /** Every graph input and activation by name. */
  values: Map<string, Float32Array>;
}

export class TapeV0 {
  private bound = new Map<string, { plan: Plan; run: BoundPlan }>();

  /** `params`: names of the weights that get gradients. */
  constructor(readonly model: Model, readonly backend: Backend, readonly params: ReadonlySet<string>) {
    for (const p of params) if (!model.weights.has(p)) throw new Error(`tape: no weight named "${p}"`);
  }

  async forward(inputs: Record<string, { shape: Shape; data: Float32Array }>): Promise<Activations> {
    const shapes = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.shape]));
    const key = JSON.stringify(shapes);
    let entry = this.bound.get(key);
    if (!entry) {
      const plan = planGraph(this.model, shapes, { keepAll: true, fuse: false });
      entry = { plan, run: await this.backend.bind(plan) };
      this.bound.set(key, entry);
    }
    const { plan, run } = entry;
    for (const t of plan.inputs) run.write(t, inputs[t.name].data);
    for (const s of plan.steps) run.dispatch(s);
    const values = new Map<string, Float32Array>();
    for (const t of plan.inputs) values.set(t.name, inputs[t.name].data);
    for (const s of plan.steps) values.set(s.output.name, await run.read(s.output));
    return { plan, values };
  }

  /**
   * Gradients of the loss given dLoss/d(output) for some tensors. Returns gradients of the trainable
   * weights and of the graph inputs named in `wantInputs`.
   */
  backward(acts: Activations, seeds: Map<string, Float32Array>, wantInputs: ReadonlySet<string> = new Set()): { params: Map<string, Float32Array>; inputs: Map<string, Float32Array> } {
    const grads = new Map<string, Float32Array>(seeds);
    const params = new Map<string, Float32Array>();
    const add = (into: Map<string, Float32Array>, name: string, g: Float32Array) => {
      const prev = into.get(name);
      if (!prev) into.set(name, g);
      else for (let i = 0; i < g.length; i++) prev[i] += g[i];
    };
    const needs = (name: string) => this.params.has(name) || !this.model.weights.has(name);
    for (let i = acts.plan.steps.length - 1; i >= 0; i--) {
      const step = acts.plan.steps[i];
      const g = grads.get(step.output.name);
      if (!g) continue;
      const inputs = step.inputs.map((t) => (t.kind === 'weight' ? t.data! : acts.values.get(t.name)!));
      const out = this.gradStep(step, inputs, acts.values.get(step.output.name)!, g, step.inputs.map((t) => needs(t.name)));
      step.inputs.forEach((t, k) => {
        const d = out[k];
        if (!d) return;
        if (t.kind === 'weight') {
          if (this.params.has(t.name)) add(params, t.name, d);
        } else add(grads, t.name, d);
      });
    }
    const inputs = new Map<string, Float32Array>();
    for (const n of wantInputs) if (grads.has(n)) inputs.set(n, grads.get(n)!);
    return { params, inputs };
  }

  private gradStep(step: Step, inputs: Float32Array[], output: Float32Array, g: Float32Array, need: boolean[]): Array<Float32Array | undefined> {
    const shapes = step.inputs.map((t) => t.shape);
    const a = step.attrs as Conv2dAttrs;
    if (step.op.name === 'conv2d' && this.backend instanceof WasmBackend && a.groups === 1) {
      return conv2dGradWasm(this.backend, inputs, shapes, step.output.shape, a, g, need);
    }
    const fn = GRADS[step.op.name];
    if (!fn) throw new Error(`tape: no backward pass for op "${step.op.name}"`);
    return fn({ inputs, shapes, output, outShape: step.output.shape, attrs: step.attrs, g });
  }

  /** After an optimiser changed weights in place: refresh the backend's copies. */
  weightsChanged(): void {
    if (this.backend instanceof WasmBackend) for (const p of this.params) this.backend.weightsChanged(this.model.weights.get(p)!.data);
  }

  dispose(): void {
    for (const { run } of this.bound.values()) run.dispose();
    this.bound.clear();
  }
}

/** conv2d gradients on the SIMD kernels: dw by conv2d_grad_w_4x8; dx by the forward tiled conv (stride 1) or the transposed-weight gather conv. */
export function conv2dGradWasm(be: WasmBackend, [x, w, b]: Float32Array[], [xs, ws]: Shape[], os: Shape, a: Conv2dAttrs, g: Float32Array, need: boolean[] = [true, true, true]): Array<Float32Array | undefined> {
  const [n, h, wd, cin] = xs;
  const [kh, kw, , cout] = ws;
  const [, oh, ow] = os;
  const { top, left } = slidingWindow('conv2d', h, wd, [kh, kw], a.stride, a.padding);
  const flops = n * oh * ow * kh * kw * cin * cout;
  const [sh, sw] = a.stride;
  let dw: Float32Array | undefined, dx: Float32Array | undefined, db: Float32Array | undefined;
  if (need[1]) {
    [dw] = be.callKernel('conv2d_grad_w_4x8', [x, g], [size(ws)], ([xp, gp], [dwp]) => [xp, gp, dwp, n, h, wd, cin, oh, ow, cout, kh, kw, sh, sw, top, left], kh * kw * Math.ceil(cin / 4), flops);
  }
  if (need[0]) {
    const cin4 = Math.ceil(cin / 4) * 4;
    const ones = new Float32Array(cin4).fill(1), zeros = new Float32Array(Math.max(cin4, cout + 4));
    if (sh === 1 && sw === 1) {
      // Stride 1: dx is a plain conv of g with the flipped, transposed kernel, so it runs on the
      // register-tiled forward micro-kernel. wf[KH-1-ky, KW-1-kx, co, ci] = w[ky, kx, ci, co].
      const wf = new Float32Array(kh * kw * cout * cin4);
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++)
          for (let ci = 0; ci < cin; ci++)
            for (let co = 0; co < cout; co++) wf[(((kh - 1 - ky) * kw + (kw - 1 - kx)) * cout + co) * cin4 + ci] = w[((ky * kw + kx) * cin + ci) * cout + co];
      const kernel = cin4 >= 16 ? 'conv2d_nhwc_2x16' : 'conv2d_nhwc_4x8';
      [dx] = be.callKernel(kernel, [g, wf, ones, zeros], [size(xs)], ([gp, wp, sp, zp], [dxp]) => [gp, wp, sp, zp, 0, dxp, n, oh, ow, cout, h, wd, cin, cin4, kh, kw, 1, 1, kh - 1 - top, kw - 1 - left, 0, 0, 0, zp], n * h, flops);
    } else {
      const wt = new Float32Array(kh * kw * cout * cin4); // [KH,KW,Cout,Cin4]: the transposed-conv weights
      for (let t = 0; t < kh * kw; t++)
        for (let ci = 0; ci < cin; ci++)
          for (let co = 0; co < cout; co++) wt[(t * cout + co) * cin4 + ci] = w[(t * cin + ci) * cout + co];
      [dx] = be.callKernel(
        'conv_transpose2d_gather_1x8',
        [g, wt, ones, zeros],
        [size(xs)],
        ([gp, wp, sp, zp], [dxp]) => [gp, wp, sp, zp, 0, dxp, n, oh, ow, cout, h, wd, cin, cin4, kh, kw, sh, sw, top, left, 0, 0, 0],
        n * h,
        flops,
      );
    }
  }
  if (b && need[2]) {
    db = new Float32Array(cout);
    for (let i = 0; i < g.length; i++) db[i % cout] += g[i];
  }
  return [dx, dw, db];
}
