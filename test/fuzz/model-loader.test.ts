// Property-based fuzzing of the model loader (safetensors + graph JSON, host/format/): a valid small
// model, then its header JSON edited (dtypes, shapes, offsets, graph references, op names,
// attributes), re-serialised with a correct header length, the data region cut or padded, or the raw
// bytes flipped. Invariants: loadModel returns or throws FormatError, within the time limit; a loaded
// model has every weight of dtype x shape values; planning it throws only PlanError/OpError/FormatError.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import { loadModel, saveModel } from '../../host/format/model.ts';
import { FormatError } from '../../host/format/safetensors.ts';
import type { Graph } from '../../host/format/graph.ts';
import { planGraph, PlanError } from '../../host/executor/plan.ts';
import { OpError } from '../../host/ops/op.ts';
import { check, only } from './config.ts';

const graph: Graph = {
  version: 1,
  inputs: [{ name: 'x', shape: ['N', 'H', 'W', 2] }],
  outputs: ['y'],
  nodes: [
    { op: 'conv2d', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { stride: 1, padding: 'same' } },
    { op: 'leaky_relu', inputs: ['c'], outputs: ['r'], attrs: { alpha: 0.1 } },
    { op: 'add', inputs: ['r', 'c'], outputs: ['s'] },
    { op: 'maxpool', inputs: ['s'], outputs: ['p'], attrs: { kernel: 2, stride: 2 } },
    { op: 'global_mean', inputs: ['p'], outputs: ['g'] },
    { op: 'dense', inputs: ['g', 'd'], outputs: ['y'] },
  ],
};
const base = saveModel(graph, [
  { name: 'w', shape: [3, 3, 2, 4], f32: Float32Array.from({ length: 72 }, (_, i) => Math.sin(i)) },
  { name: 'b', shape: [4], u8: { q: new Uint8Array([0, 1, 2, 255]), scale: 0.5, min: -1 } },
  { name: 'd', shape: [4, 3], f32: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
]);
const headerLen = Number(new DataView(base.buffer).getBigUint64(0, true));
const header = JSON.parse(new TextDecoder().decode(base.subarray(8, 8 + headerLen)));
const data = base.subarray(8 + headerLen);

/** Values that stress a JSON field: valid-looking, wrong type, huge, negative, prototype names. */
const oddValue = fc.oneof(
  fc.constantFrom('F32', 'F16', 'U8', 'I32', 'F64', 'BOOL', '', '__proto__', 'constructor', 'toString', 'same', 'valid', 'x', 'c', 'w', 'N'),
  fc.integer({ min: -3, max: 100 }),
  fc.constantFrom(0, 1, 2 ** 31, 2 ** 53, 1e300, -1, 0.5, NaN),
  fc.array(fc.oneof(fc.integer({ min: -1, max: 300 }), fc.constantFrom(2 ** 40, 'H', 'N', null)), { maxLength: 5 }),
  fc.constantFrom(null, true, {}, [], [[]], { padding: 'same' }),
);

/** A path into the header object: tensor entries, metadata, and the graph (parsed) inside it. */
const edit = fc.record({ target: fc.constantFrom('w', 'b', 'd', 'graph', 'graph', 'graph', 'quantization'), pick: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), value: oddValue, remove: fc.boolean() });
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

/** Applies an edit at a path chosen by `pick` (each number indexes the keys at that level). */
function applyEdit(h: any, e: Edit): any {
  const out = structuredClone(h);
  const meta = out.__metadata__;
  const parsed = e.target === 'graph' || e.target === 'quantization' ? JSON.parse(meta[e.target]) : out[e.target];
  let obj = parsed;
  for (let k = 0; k < e.pick.length; k++) {
    const keys = Object.keys(obj);
    if (keys.length === 0) break;
    const key = keys[e.pick[k] % keys.length];
    const last = k === e.pick.length - 1 || typeof obj[key] !== 'object' || obj[key] === null;
    if (last) {
      if (e.remove && !Array.isArray(obj)) delete obj[key];
      else obj[key] = e.value;
      break;
    }
    obj = obj[key];
  }
  if (e.target === 'graph' || e.target === 'quantization') meta[e.target] = JSON.stringify(parsed);
  return out;
}

function fileWith(h: unknown, body: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + text.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(body, 8 + text.length);
  return out;
}

/** Loading and then planning at a small size: only the library's own errors. */
function loadAndPlan(file: Uint8Array) {
  const m = only([FormatError], () => loadModel(file));
  if (!m) return;
  for (const [name, w] of m.weights) assert.is(w.data.length, w.shape.reduce((a, b) => a * b, 1), `weight ${name}`);
  only([PlanError, OpError, FormatError], () => planGraph(m, { x: [1, 6, 6, 2] }, { fuse: true }));
}

test('loadModel: the base model loads and plans', () => {
  const m = loadModel(base);
  assert.is(planGraph(m, { x: [1, 6, 6, 2] }).outputs[0].length, 3);
});

test('loadModel: header edits (dtypes, shapes, offsets, graph references, ops, attributes) give FormatError or a consistent model', () => {
  check(
    'loadModel header edits',
    fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.integer({ min: -8, max: 8 }), (edits, cut) => {
      const h = edits.reduce(applyEdit, header);
      const body = cut < 0 ? data.subarray(0, data.length + cut) : cut > 4 ? new Uint8Array([...data, ...new Uint8Array(cut)]) : data;
      loadAndPlan(fileWith(h, body));
    }),
    1000,
  );
});

test('loadModel: raw byte flips, truncations and header-length lies give FormatError', () => {
  check(
    'loadModel bytes',
    fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }), fc.option(fc.nat()), fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), (flips, cut, len) => {
      const f = base.slice(0, cut === null ? base.length : cut % (base.length + 1));
      for (const [at, v] of flips) if (f.length) f[at % f.length] = v;
      if (len !== null && f.length >= 8) new DataView(f.buffer).setBigUint64(0, len, true);
      loadAndPlan(f);
    }),
    600,
  );
});

test.run();
