// Backend-vs-reference harness (after ggml's test-backend-ops): every op on many shapes with random
// inputs, compared with the reference backend by normalised MSE, with guard values after every tensor
// in the arena that must survive untouched, and outputs pre-filled with a sentinel so an element the
// backend forgot to write shows up. Used by every backend's test file.
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { Backend } from '../../host/backends/backend.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { loadModel, saveModel } from '../../host/format/model.ts';
import type { Graph, GraphNode } from '../../host/format/graph.ts';
import { planGraph, type PlannedTensor } from '../../host/executor/plan.ts';
import { backwardCases } from './grad-cases.ts';

export interface Case {
  name: string;
  /** Inputs of the graph: random data. */
  inputs: Record<string, number[]>;
  /** Constant tensors: random data unless given. */
  weights?: Record<string, number[] | { shape: number[]; data: number[] }>;
  nodes: GraphNode[];
  output?: string;
  /** Scale of the random values (default 1): uniform in [-scale, scale]. */
  scale?: number;
}

const node = (op: string, inputs: string[], attrs?: Record<string, unknown>, out = 'y'): GraphNode => ({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
/** One node reading x (and weights w, b, ...) -> y. */
function one(name: string, op: string, x: number[], weights: Case['weights'], attrs?: Record<string, unknown>, extraInputs: Record<string, number[]> = {}): Case {
  return { name, inputs: { x, ...extraInputs }, weights, nodes: [node(op, ['x', ...Object.keys(extraInputs), ...Object.keys(weights ?? {})], attrs)] };
}

export function allCases(): Case[] {
  return [...convCases(), ...elementwiseCases(), ...fusedCases(), ...backwardCases()];
}

/** conv2d (dense, depthwise, grouped) and conv_transpose2d over kernels, strides, paddings and channel counts. */
function convCases(): Case[] {
  const cases: Case[] = [];
  // conv2d: kernels, strides, paddings, channels 1/3/5/64, odd sizes, depthwise, with and without bias.
  const convShapes: Array<[number, number, number, number]> = [[1, 7, 5, 1], [1, 9, 11, 3], [2, 6, 7, 5], [1, 13, 12, 64], [1, 5, 5, 8]];
  const couts = [1, 4, 5, 64, 8];
  const convCfgs: Array<[number, number, string | number[]]> = [[1, 1, 'valid'], [3, 1, 'same'], [3, 2, 'same'], [3, 2, 'valid'], [7, 2, 'valid'], [5, 1, [2, 1, 0, 2]], [2, 2, 'valid'], [3, 1, [0, 1, 1, 0]]];
  convShapes.forEach((xs, si) => {
    const cout = couts[si];
    for (const [k, s, p] of convCfgs) {
      if (xs[1] < k || xs[2] < k) continue;
      const cin = xs[3];
      cases.push(one(`conv2d ${k}x${k}/${s} ${JSON.stringify(p)} x${xs} -> ${cout}`, 'conv2d', xs, { w: [k, k, cin, cout], b: [cout] }, { stride: s, padding: p }));
    }
    cases.push(one(`conv2d 3x3 no bias x${xs} -> ${cout}`, 'conv2d', xs, { w: [3, 3, xs[3], cout] }, { padding: 'same' }));
    cases.push(one(`depthwise 3x3 x${xs}`, 'conv2d', xs, { w: [3, 3, 1, xs[3]], b: [xs[3]] }, { padding: 'same', groups: xs[3] }));
    cases.push(one(`depthwise 3x3/2 valid x${xs}`, 'conv2d', xs, { w: [3, 3, 1, xs[3]] }, { stride: 2, padding: [1, 1, 1, 1], groups: xs[3] }));
  });
  cases.push(one('grouped conv, 2 groups, multiplier 2', 'conv2d', [1, 6, 5, 4], { w: [3, 3, 2, 8], b: [8] }, { padding: 'same', groups: 2 }));
  cases.push(one('depthwise multiplier 2', 'conv2d', [1, 6, 5, 3], { w: [3, 3, 1, 6] }, { padding: 'same', groups: 3 }));
  // conv_transpose2d
  for (const [xs, k, s, p, op, cout] of [
    [[1, 4, 5, 3], 2, 2, 'valid', 0, 5],
    [[1, 5, 4, 8], 3, 2, 'same', 0, 4],
    [[2, 3, 3, 5], 3, 1, [1, 1, 1, 1], 0, 1],
    [[1, 4, 4, 64], 4, 2, [1, 1, 1, 1], 0, 64],
    [[1, 3, 5, 4], 3, 2, [1, 1, 1, 1], 1, 3],
    [[1, 6, 6, 1], 5, 3, [2, 0, 1, 2], 2, 2],
  ] as Array<[number[], number, number, unknown, number, number]>) {
    cases.push(one(`conv_transpose2d ${k}x${k}/${s} pad ${JSON.stringify(p)} op ${op} x${xs} -> ${cout}`, 'conv_transpose2d', xs, { w: [k, k, xs[3], cout], b: [cout] }, { stride: s, padding: p, output_padding: op }));
  }
  return cases;
}

/** Per-channel, elementwise, pooling, resizing, layout and dense ops. */
function elementwiseCases(): Case[] {
  const cases: Case[] = [];
  for (const xs of [[1, 3, 5, 1], [2, 4, 3, 5], [1, 7, 9, 64], [1, 1, 1, 3]]) {
    const c = xs[3];
    cases.push(one(`bias x${xs}`, 'bias', xs, { b: [c] }));
    cases.push(one(`affine x${xs}`, 'affine', xs, { s: [c], t: [c] }));
    cases.push(one(`prelu x${xs}`, 'prelu', xs, { a: [c] }));
    for (const op of ['relu', 'tanh', 'sigmoid', 'round']) cases.push({ ...one(`${op} x${xs}`, op, xs, undefined), scale: op === 'round' ? 20 : 3 });
    cases.push(one(`leaky_relu x${xs}`, 'leaky_relu', xs, undefined, { alpha: 0.3 }));
    cases.push(one(`clamp x${xs}`, 'clamp', xs, undefined, { min: -0.25, max: 0.5 }));
    cases.push(one(`add x${xs}`, 'add', xs, undefined, undefined, { z: xs }));
    cases.push(one(`mul x${xs}`, 'mul', xs, undefined, undefined, { z: xs }));
    cases.push(one(`global_mean x${xs}`, 'global_mean', xs, undefined));
    cases.push(one(`pad x${xs}`, 'pad', xs, undefined, { pads: [1, 0, 2, 3], channels: [1, 2], value: 0.5 }));
    cases.push(one(`pad channels x${xs}`, 'pad', xs, undefined, { channels: [0, c] }));
    cases.push(one(`concat x${xs}`, 'concat', xs, undefined, undefined, { z: [...xs.slice(0, 3), 3] }));
    if (c > 1) cases.push(one(`slice x${xs}`, 'slice', xs, undefined, { start: 1, end: c }));
    for (const [k, s, p] of [[2, 2, 'valid'], [3, 2, 'valid'], [3, 1, 'same'], [3, 2, [1, 0, 1, 1]]] as Array<[number, number, unknown]>) {
      if (xs[1] < k || xs[2] < k) continue;
      cases.push(one(`maxpool ${k}/${s} ${JSON.stringify(p)} x${xs}`, 'maxpool', xs, undefined, { kernel: k, stride: s, padding: p }));
      cases.push(one(`avgpool ${k}/${s} ${JSON.stringify(p)} x${xs}`, 'avgpool', xs, undefined, { kernel: k, stride: s, padding: p }));
    }
    cases.push(one(`resize up x${xs}`, 'resize_bilinear', xs, undefined, { scale: 2 }));
    cases.push(one(`resize odd x${xs}`, 'resize_bilinear', xs, undefined, { size: [5, 7] }));
  }
  for (const [xs, b] of [[[1, 4, 6, 8], 2], [[2, 3, 3, 27], 3], [[1, 2, 2, 4], 2]] as Array<[number[], number]>) {
    cases.push(one(`depth_to_space ${b} x${xs}`, 'depth_to_space', xs, undefined, { block: b }));
    cases.push(one(`space_to_depth ${b} x${[xs[0], xs[1] * b, xs[2] * b, 3]}`, 'space_to_depth', [xs[0], xs[1] * b, xs[2] * b, 3], undefined, { block: b }));
  }
  for (const [n, k, m] of [[1, 256, 128], [3, 7, 5], [8, 64, 3], [2, 1, 9]]) {
    cases.push(one(`dense ${n}x${k} -> ${m}`, 'dense', [n, k], { w: [k, m], b: [m] }));
    cases.push(one(`dense no bias ${n}x${k} -> ${m}`, 'dense', [n, k], { w: [k, m] }));
  }
  return cases;
}

/** Fusable chains: conv + bias + affine + residual + relu; conv_transpose + leaky; dense + tanh. */
function fusedCases(): Case[] {
  const cases: Case[] = [];
  for (const xs of [[1, 9, 8, 16], [1, 5, 7, 3], [2, 6, 6, 64]]) {
    const c = xs[3];
    cases.push({
      name: `fused conv+affine+add+relu x${xs}`,
      inputs: { x: xs },
      weights: { w: [3, 3, c, c], b: [c], s: [c], t: [c] },
      nodes: [node('conv2d', ['x', 'w', 'b'], { padding: 'same' }, 'c'), node('affine', ['c', 's', 't'], undefined, 'a'), node('add', ['a', 'x'], undefined, 'r'), node('relu', ['r'])],
    });
    cases.push({
      name: `fused conv/2+bias+clamp x${xs}`,
      inputs: { x: xs },
      weights: { w: [3, 3, c, 5], bb: [5] },
      nodes: [node('conv2d', ['x', 'w'], { stride: 2, padding: 'same' }, 'c'), node('bias', ['c', 'bb'], undefined, 'a'), node('clamp', ['a'], { min: -0.5, max: 0.5 })],
    });
    cases.push({
      name: `fused conv_transpose+leaky x${xs}`,
      inputs: { x: xs },
      weights: { w: [2, 2, c, 7], b: [7] },
      nodes: [node('conv_transpose2d', ['x', 'w', 'b'], { stride: 2 }, 'c'), node('leaky_relu', ['c'], { alpha: 0.1 })],
    });
  }
  cases.push({ name: 'fused dense+sigmoid', inputs: { x: [4, 33] }, weights: { w: [33, 10] }, nodes: [node('dense', ['x', 'w'], undefined, 'd'), node('sigmoid', ['d'])] });
  cases.push({ name: 'fused dense+tanh', inputs: { x: [2, 16] }, weights: { w: [16, 12], b: [12] }, nodes: [node('dense', ['x', 'w', 'b'], undefined, 'd'), node('tanh', ['d'])] });
  return cases;
}

/** mulberry32: small, seedable, good enough for test data. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function nmse(actual: Float32Array, expected: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i] - expected[i]) ** 2;
    den += expected[i] ** 2;
  }
  return den === 0 ? num : num / den;
}

const GUARD = 37;
const guardValue = (i: number) => -7777.25 - i;
const SENTINEL = 31337.5;

/** Runs one case on a backend with guards; returns the output. */
export async function runCase(c: Case, backend: Backend, seed: number, fuse: boolean): Promise<Float32Array> {
  const rand = rng(seed);
  const scale = c.scale ?? 1;
  const rnd = (n: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  const sizeOf = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const weights = Object.entries(c.weights ?? {}).map(([name, w]) => {
    const shape = Array.isArray(w) ? w : w.shape;
    return { name, shape, f32: Array.isArray(w) ? rnd(sizeOf(shape)) : Float32Array.from(w.data) };
  });
  const graph: Graph = { version: 1, inputs: Object.entries(c.inputs).map(([name, shape]) => ({ name, shape })), outputs: [c.output ?? 'y'], nodes: c.nodes };
  const model = loadModel(saveModel(graph, weights));
  const plan = planGraph(model, c.inputs, { fuse, guard: GUARD });
  const bound = await backend.bind(plan);
  try {
    // Sentinels and guards go only where no other tensor ever lives (reused memory is legitimately rewritten).
    const all = [...plan.inputs, ...plan.steps.map((s) => s.output)];
    const overlaps = (a: PlannedTensor, b: PlannedTensor) => a.offset < b.offset + b.length + GUARD && b.offset < a.offset + a.length + GUARD;
    const arenaTensors = all.filter((t) => all.every((u) => u === t || !overlaps(t, u)));
    const guardOf = (t: PlannedTensor): PlannedTensor => ({ name: `${t.name}#guard`, shape: [GUARD], length: GUARD, kind: 'activation', offset: t.offset + t.length });
    const guardData = Float32Array.from({ length: GUARD }, (_, i) => guardValue(i));
    for (const t of arenaTensors) if (t.kind === 'activation') bound.write(t, new Float32Array(t.length).fill(SENTINEL));
    for (const t of plan.inputs) bound.write(t, rnd(t.length));
    for (const t of arenaTensors) bound.write(guardOf(t), guardData);
    for (const s of plan.steps) bound.dispatch(s);
    const out = await bound.read(plan.outputs[0]);
    for (const t of arenaTensors) {
      const g = await bound.read(guardOf(t));
      for (let i = 0; i < GUARD; i++) if (g[i] !== guardValue(i)) assert.unreachable(`${c.name}: guard after "${t.name}" overwritten at +${i}: ${g[i]}`);
    }
    return out;
  } finally {
    bound.dispose();
  }
}

export interface HarnessOptions {
  /** Max normalised MSE against the reference, forward and backward cases alike (1e-7 for wasm and webgpu). */
  tolerance: number;
  /** Only run cases whose name contains this. */
  filter?: string;
}

/** Registers and runs a uvu suite checking every case on `make()` against the reference backend. */
export function backendSuite(name: string, make: () => Promise<Backend> | Backend, opts: HarnessOptions): void {
  const s = suite(`${name} vs ref`);
  let backend: Backend;
  const ref = new RefBackend();
  s.before(async () => {
    backend = await make();
  });
  s.after(() => (backend as { dispose?: () => void }).dispose?.());
  const cases = allCases().filter((c) => !opts.filter || c.name.includes(opts.filter));
  const byOp = new Map<string, Case[]>();
  for (const c of cases) {
    const key = c.name.split(' ')[0];
    byOp.set(key, [...(byOp.get(key) ?? []), c]);
  }
  for (const [op, group] of byOp) {
    s(`${op} (${group.length} cases)`, async () => {
      for (const [i, c] of group.entries()) {
        const fuse = c.nodes.length > 1;
        const expected = await runCase(c, ref, 1000 + i, false);
        const actual = await runCase(c, backend, 1000 + i, fuse);
        const e = nmse(actual, expected);
        if (!(e <= opts.tolerance)) assert.unreachable(`${c.name}: nmse ${e.toExponential(2)} > ${opts.tolerance} (first values ${Array.from(actual.slice(0, 4))} vs ${Array.from(expected.slice(0, 4))})`);
      }
    });
  }
  s.run();
}
