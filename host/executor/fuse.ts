// Epilogue fusion: conv2d / conv_transpose2d / dense followed by per-channel linear ops, a residual add
// and an activation become one step whose kernel applies, in the write-back,
//
//     out = act(acc * scale[c] + shift[c] + residual)
//
// bias and affine fold into scale/shift (computed here once, as synthetic weights), so the recognizer's
// conv + bias + scale + add + relu is one pass over memory. Any backend can run fused steps: the
// reference applies applyEpilogue after the head op.
import type { PlannedTensor, Step } from './plan.ts';

export type Activation =
  | { kind: 'none' }
  | { kind: 'relu' }
  | { kind: 'leaky_relu'; alpha: number }
  | { kind: 'clamp'; min: number; max: number }
  | { kind: 'tanh' }
  | { kind: 'sigmoid' };

/** Activation codes shared by the kernels (AssemblyScript and WGSL): host/ops/codes.ts. */
export { ACT_CODE } from '../ops/codes.ts';

export interface Epilogue {
  /** [C] weights, synthetic: folded bias/affine. */
  scale: PlannedTensor;
  shift: PlannedTensor;
  /** Same shape as the output; added after scale/shift. */
  residual?: PlannedTensor;
  act: Activation;
}

const HEADS = new Set(['conv2d', 'conv_transpose2d', 'dense']);

export function activationOf(step: Step): Activation | undefined {
  const a = step.attrs as Record<string, number>;
  switch (step.op.name) {
    case 'relu':
      return { kind: 'relu' };
    case 'leaky_relu':
      return { kind: 'leaky_relu', alpha: a.alpha };
    case 'clamp':
      return { kind: 'clamp', min: a.min, max: a.max };
    case 'tanh':
      return { kind: 'tanh' };
    case 'sigmoid':
      return { kind: 'sigmoid' };
  }
  return undefined;
}

/**
 * Rewrites `steps` in place order; returns the fused list. `keep` holds tensors that must stay
 * materialised (graph outputs). Step inputs lose the head's bias (folded into shift).
 */
export function fuseEpilogues(steps: Step[], keep: ReadonlySet<PlannedTensor>, live: ReadonlySet<string> = new Set()): Step[] {
  const readers = new Map<PlannedTensor, number>();
  const producedAt = new Map<PlannedTensor, number>();
  steps.forEach((s, i) => {
    producedAt.set(s.output, i);
    for (const t of s.inputs) readers.set(t, (readers.get(t) ?? 0) + 1);
  });
  const consumerOf = new Map<PlannedTensor, number>();
  steps.forEach((s, i) => s.inputs.forEach((t) => consumerOf.set(t, i)));

  const removed = new Set<number>();
  const out: Step[] = [];
  steps.forEach((head, i) => {
    if (removed.has(i)) return;
    if (!HEADS.has(head.op.name)) {
      out.push(head);
      return;
    }
    const c = head.output.shape[head.output.shape.length - 1];
    const scale = new Float64Array(c).fill(1);
    const shift = new Float64Array(c);
    const bias = head.inputs[2];
    if (bias) for (let k = 0; k < c; k++) shift[k] = bias.data![k];
    // A live bias stays the shift itself (its updates must reach the kernel): nothing else folds into it.
    const liveBias = bias !== undefined && live.has(bias.name);
    const foldable = (...ws: PlannedTensor[]) => !liveBias && ws.every((w) => w.kind === 'weight' && !live.has(w.name));
    let residual: PlannedTensor | undefined;
    let act: Activation = { kind: 'none' };
    let stage = 0; // 0 linear, 1 after residual, 2 after activation
    let cur = head.output;
    for (;;) {
      if (keep.has(cur) || readers.get(cur) !== 1) break;
      const j = consumerOf.get(cur)!;
      const e = steps[j];
      const other = e.inputs.find((t) => t !== cur);
      if (stage === 0 && e.op.name === 'bias' && e.inputs[0] === cur && foldable(other!)) {
        for (let k = 0; k < c; k++) shift[k] += other!.data![k];
      } else if (stage === 0 && e.op.name === 'affine' && e.inputs[0] === cur && foldable(e.inputs[1], e.inputs[2])) {
        const s = e.inputs[1].data!, t = e.inputs[2].data!;
        for (let k = 0; k < c; k++) {
          scale[k] *= s[k];
          shift[k] = shift[k] * s[k] + t[k];
        }
      } else if (stage === 0 && e.op.name === 'add' && other && other !== cur && (other.kind !== 'activation' || producedAt.get(other)! < i)) {
        residual = other;
        stage = 1;
      } else if (stage < 2 && activationOf(e)) {
        act = activationOf(e)!;
        stage = 2;
      } else break;
      removed.add(j);
      cur = e.output;
    }
    if (cur === head.output) {
      out.push(head);
      return;
    }
    const name = cur.name;
    const vec = (suffix: string, v: Float64Array): PlannedTensor => ({ name: `${name}/${suffix}`, shape: [c], length: c, kind: 'weight', offset: -1, data: Float32Array.from(v) });
    out.push({
      ...head,
      inputs: head.inputs.slice(0, 2),
      output: cur,
      epilogue: { scale: vec('epilogue.scale', scale), shift: liveBias ? bias : vec('epilogue.shift', shift), residual, act },
    });
  });
  return out;
}

export function activate(v: number, act: Activation): number {
  switch (act.kind) {
    case 'none':
      return v;
    case 'relu':
      return v > 0 ? v : 0;
    case 'leaky_relu':
      return v > 0 ? v : act.alpha * v;
    case 'clamp':
      return v < act.min ? act.min : v > act.max ? act.max : v;
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
  }
}

/** Reference epilogue, in place on the head's raw output. */
export function applyEpilogue(out: Float32Array, e: Epilogue, residual: Float32Array | undefined): void {
  const c = e.scale.length;
  const s = e.scale.data!, t = e.shift.data!;
  for (let i = 0; i < out.length; i++) {
    const ch = i % c;
    out[i] = activate(out[i] * s[ch] + t[ch] + (residual ? residual[i] : 0), e.act);
  }
}
