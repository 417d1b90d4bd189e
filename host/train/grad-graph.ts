// Reverse-mode differentiation as a graph transform: from a model and the input shapes, a training
// graph = the forward nodes, then the backward nodes (graph ops of host/ops/, so the executor plans them,
// arena reuse included, and any backend runs them). The gradient of a graph output enters as an input
// named `seed/<output>`; the gradients come out as outputs `grad/<name>` (the trainable weights and the
// wanted graph inputs). Shapes are concrete here (the tape builds one graph per input shape), so
// attributes can carry sizes.
import type { GraphNode, ResolvedNode } from '../format/graph.ts';
import { validateGraph } from '../format/graph.ts';
import type { Model, Weight } from '../format/model.ts';
import { planGraph } from '../executor/plan.ts';
import type { RawAttrs, Shape } from '../ops/op.ts';
import { weightTranspose } from '../ops/weight_transpose.ts';

export interface GradGraph {
  model: Model;
  /** Nodes [0, forwardNodes) of model.order are the forward pass. */
  forwardNodes: number;
  /** Seed input name by graph output, gradient output name by weight / input name. */
  seeds: Map<string, string>;
  grads: Map<string, string>;
}

export class GradError extends Error {
  override name = 'GradError';
}

/** Shared zero vectors (affine's input gradient has no shift): one array per length, so backends cache one copy. */
const ZEROS = new Map<number, Weight>();
const zeros = (c: number): Weight => {
  let z = ZEROS.get(c);
  if (!z) ZEROS.set(c, (z = { shape: [c], dtype: 'F32', data: new Float32Array(c) }));
  return z;
};

interface Ctx {
  emit(op: string, inputs: string[], attrs?: RawAttrs): string;
  shape(name: string): Shape;
  constant(w: Weight): string;
  /** weight_transpose of w (last axis zero-padded to `padTo`): a graph op for a trainable w, a constant computed once for a frozen one. */
  transposed(w: string, flip: boolean, padTo?: number): string;
}

/** Transposed frozen weights by source array, so that every training graph of a model shares one copy. */
const TRANSPOSED = new WeakMap<Float32Array, Map<string, Weight>>();

function transposedConstant(w: Weight, flip: boolean, padTo: number): Weight {
  let byKey = TRANSPOSED.get(w.data);
  if (!byKey) TRANSPOSED.set(w.data, (byKey = new Map()));
  const key = `${flip}/${padTo}`;
  let t = byKey.get(key);
  if (!t) {
    const shape = weightTranspose.inferShape([w.shape], { flip });
    const plain = new Float32Array(shape.reduce((a, b) => a * b, 1));
    weightTranspose.ref([w.data], [w.shape], plain, shape, { flip });
    const c = shape[shape.length - 1], rows = plain.length / c;
    const data = new Float32Array(rows * padTo);
    for (let r = 0; r < rows; r++) data.set(plain.subarray(r * c, (r + 1) * c), r * padTo);
    byKey.set(key, (t = { shape: [...shape.slice(0, -1), padTo], dtype: 'F32', data }));
  }
  return t;
}

/** Emits the input gradients of one forward node given its output gradient; undefined where no gradient is wanted. */
type Backward = (c: Ctx, n: ResolvedNode & { attrs: any }, g: string, wants: boolean[]) => Array<string | undefined>;

const last = (s: Shape) => s[s.length - 1];
const act = (kind: string, extra: RawAttrs = {}): Backward => (c, n, g) => [c.emit('act_grad', [n.output, g], { act: kind, ...extra })];

const BACKWARD: Record<string, Backward> = {
  conv2d: conv2dBackward,
  dense: (c, { inputs: [x, w, b] }, g, [wx, ww]) => {
    if (ww) throw new GradError(`dense: weight gradients are not implemented (weight "${w}" is trainable)`);
    return [wx ? c.emit('dense', [g, c.transposed(w, false)]) : undefined, undefined, b ? c.emit('channel_sum', [g]) : undefined];
  },
  bias: (c, _n, g) => [g, c.emit('channel_sum', [g])],
  affine: (c, { inputs: [x, s] }, g, [wx, ws, wt]) => [
    wx ? c.emit('affine', [g, s, c.constant(zeros(last(c.shape(x))))]) : undefined,
    ws ? c.emit('channel_sum', [c.emit('mul', [g, x])]) : undefined,
    wt ? c.emit('channel_sum', [g]) : undefined,
  ],
  relu: act('relu'),
  leaky_relu: (c, n, g) => (n.attrs.alpha >= 0 ? act('leaky_relu', { alpha: n.attrs.alpha })(c, n, g, []) : [c.emit('act_grad', [n.inputs[0], g], { act: 'leaky_relu', alpha: n.attrs.alpha })]),
  clamp: (c, n, g) => [c.emit('act_grad', [n.inputs[0], g], { act: 'clamp', min: n.attrs.min, max: n.attrs.max })],
  tanh: act('tanh'),
  sigmoid: act('sigmoid'),
  // Straight-through: rounding passes the gradient unchanged (quantisation in the loop).
  round: (_c, _n, g) => [g],
  add: (_c, _n, g) => [g, g],
  mul: (c, { inputs: [a, b] }, g, [wa, wb]) => [wa ? c.emit('mul', [g, b]) : undefined, wb ? c.emit('mul', [g, a]) : undefined],
  maxpool: (c, n, g) => [c.emit('pool_grad', [n.inputs[0], g], { kind: 'max', ...n.attrs })],
  avgpool: (c, n, g) => [c.emit('pool_grad', [n.inputs[0], g], { kind: 'avg', ...n.attrs })],
  global_mean: (c, { inputs: [x] }, g) => [c.emit('global_mean_grad', [g], { height: c.shape(x)[1], width: c.shape(x)[2] })],
  pad: (c, n, g) => [c.emit('crop', [g], { pads: n.attrs.pads, channels: n.attrs.channels })],
  concat: (c, { inputs }, g, wants) => {
    let off = 0;
    return inputs.map((x, k) => {
      const ch = last(c.shape(x));
      off += ch;
      return wants[k] ? c.emit('slice', [g], { start: off - ch, end: off }) : undefined;
    });
  },
  slice: (c, { inputs: [x], attrs }, g) => [c.emit('pad', [g], { channels: [attrs.start, last(c.shape(x)) - attrs.end] })],
  depth_to_space: (c, n, g) => [c.emit('space_to_depth', [g], { block: n.attrs.block })],
  space_to_depth: (c, n, g) => [c.emit('depth_to_space', [g], { block: n.attrs.block })],
  resize_bilinear: (c, { inputs: [x] }, g) => [c.emit('resize_bilinear_grad', [g], { size: c.shape(x).slice(1, 3) })],
};

/** Names of the ops that have a backward pass. */
export const DIFFERENTIABLE_OPS: ReadonlySet<string> = new Set(Object.keys(BACKWARD));

/**
 * conv2d (groups 1): dx = conv2d of g with the flipped, transposed weights (stride 1: the register-tiled
 * forward kernels) or conv_transpose2d with the transposed weights (strided); dw = conv2d_grad_weight;
 * db = channel_sum. Backends want computed weights with a multiple of 4 output channels: when Cin is
 * not, the weights are zero-padded and the result sliced.
 */
function conv2dBackward(c: Ctx, { op, inputs: [x, w, b], output, attrs }: ResolvedNode & { attrs: any }, g: string, [wx, ww, wb]: boolean[]): Array<string | undefined> {
  if (attrs.groups !== 1) throw new GradError(`conv2d: backward pass needs groups 1, got ${attrs.groups}`);
  const [, h, wd, cin] = c.shape(x);
  const [, oh, ow] = c.shape(output);
  const win = op.window!([c.shape(x), c.shape(w)], attrs); // the op's own window (host/ops/conv2d.ts)
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  let dx: string | undefined;
  if (wx) {
    const cin4 = Math.ceil(cin / 4) * 4;
    if (sh === 1 && sw === 1) {
      const pt = kh - 1 - win.top, pl = kw - 1 - win.left;
      const pads = [pt, h - 1 + kh - oh - pt, pl, wd - 1 + kw - ow - pl];
      dx = c.emit('conv2d', [g, c.transposed(w, true, cin4)], { stride: 1, padding: pads });
    } else {
      const extra = (o: number, s: number, k: number, lead: number, full: number) => (o - 1) * s + k - lead - full;
      const rh = extra(oh, sh, kh, win.top, h), rw = extra(ow, sw, kw, win.left, wd);
      if (-rh >= sh || -rw >= sw) throw new GradError(`conv2d: input ${h}x${wd} has rows no window reads beyond what output_padding covers`);
      dx = c.emit('conv_transpose2d', [g, c.transposed(w, false, cin4)], { stride: [sh, sw], padding: [win.top, Math.max(rh, 0), win.left, Math.max(rw, 0)], output_padding: [Math.max(-rh, 0), Math.max(-rw, 0)] });
    }
    if (cin4 !== cin) dx = c.emit('slice', [dx], { start: 0, end: cin });
  }
  const dw = ww ? c.emit('conv2d_grad_weight', [x, g], { kernel: [kh, kw], stride: [sh, sw], padding: attrs.padding }) : undefined;
  return [dx, dw, b && wb ? c.emit('channel_sum', [g]) : undefined];
}

/**
 * The training graph of `model` at these input shapes. `params`: weights that get gradients;
 * `wantInputs`: graph inputs that get gradients.
 */
export function gradGraph(model: Model, shapes: Record<string, Shape>, params: ReadonlySet<string>, wantInputs: ReadonlySet<string>): GradGraph {
  const fwd = planGraph(model, shapes, { fuse: false });
  const shapeOf = new Map<string, Shape>([...fwd.tensors].map(([k, t]) => [k, t.shape]));
  const nodes: GraphNode[] = model.graph.nodes.map((n) => ({ ...n }));
  const weights = new Map(model.weights);
  let count = 0;
  const ctx: Ctx = {
    emit(op, inputs, attrs) {
      const out = `grad:${count++}`;
      nodes.push({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
      return out;
    },
    shape(name) {
      const s = shapeOf.get(name);
      if (!s) throw new GradError(`no shape for "${name}"`);
      return s;
    },
    constant(w) {
      const name = `grad-const/zeros${w.shape[0]}`;
      weights.set(name, w);
      return name;
    },
    transposed(w, flip, padTo) {
      const ws = ctx.shape(w), c = ws[ws.length - 2]; // the axis that ends last after the swap
      const to = padTo ?? c;
      if (!params.has(w)) {
        const name = `grad-const/${w}^T${flip ? 'flip' : ''}${to}`;
        weights.set(name, transposedConstant(model.weights.get(w)!, flip, to));
        shapeOf.set(name, weights.get(name)!.shape);
        return name;
      }
      const t = ctx.emit('weight_transpose', [w], { flip });
      return to === c ? t : ctx.emit('pad', [t], { channels: [0, to - c] });
    },
  };
  // Which tensors carry a gradient: the trainable weights, the wanted inputs and whatever depends on them.
  const carries = new Set<string>([...params, ...wantInputs]);
  for (const n of model.order) if (n.inputs.some((i) => carries.has(i))) carries.add(n.output);

  const contributions = new Map<string, string[]>();
  const seeds = new Map<string, string>();
  for (const o of model.graph.outputs) if (carries.has(o)) seeds.set(o, `seed/${o}`), contributions.set(o, [`seed/${o}`]);
  /** The summed gradient of a tensor (add nodes when several consumers contributed). */
  const gradOf = (name: string): string | undefined => {
    const parts = contributions.get(name);
    if (!parts?.length) return undefined;
    let g = parts[0];
    for (const p of parts.slice(1)) g = ctx.emit('add', [g, p]);
    contributions.set(name, [g]);
    return g;
  };
  for (const n of [...model.order].reverse()) {
    const g = gradOf(n.output);
    if (!g) continue;
    const wants = n.inputs.map((i) => carries.has(i) && (!model.weights.has(i) || params.has(i)));
    if (!wants.some(Boolean)) continue;
    const backward = BACKWARD[n.op.name];
    if (!backward) throw new GradError(`no backward pass for op "${n.op.name}" (node ${n.index})`);
    backward(ctx, n, g, wants).forEach((d, k) => {
      if (d && wants[k]) contributions.set(n.inputs[k], [...(contributions.get(n.inputs[k]) ?? []), d]);
    });
  }
  const grads = new Map<string, string>();
  for (const name of [...params, ...wantInputs]) {
    const g = gradOf(name);
    if (!g) continue;
    // A gradient that is a seed itself (an output reached only through identities) is copied out.
    grads.set(name, g.startsWith('seed/') ? ctx.emit('slice', [g], { start: 0, end: last(ctx.shape(name)) }) : g);
  }
  const graph = {
    version: model.graph.version,
    inputs: [...model.graph.inputs, ...[...seeds].map(([o, s]) => ({ name: s, shape: ctx.shape(o) }))],
    outputs: [...new Set([...model.graph.outputs, ...grads.values()])],
    nodes,
  };
  const { order } = validateGraph(graph, new Set(weights.keys()));
  order.sort((a, b) => a.index - b.index); // the emitted order is topological, forward nodes first
  return { model: { graph, order, weights, metadata: {}, fileBytes: 0 }, forwardNodes: model.graph.nodes.length, seeds, grads };
}
