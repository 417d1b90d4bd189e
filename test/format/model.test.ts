import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadModel, saveModel } from '../../host/format/model.ts';
import { validateGraph, type Graph } from '../../host/format/graph.ts';
import { writeSafetensors } from '../../host/format/safetensors.ts';
import { throwsWith } from '../helpers.ts';

const tiny = (): Graph => ({
  version: 1,
  inputs: [{ name: 'x', shape: ['N', 'H', 'W', 2] }],
  outputs: ['y'],
  nodes: [
    { op: 'conv2d', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { padding: 'same' } },
    { op: 'relu', inputs: ['c'], outputs: ['y'] },
  ],
});
const W = new Set(['w', 'b']);

test('all dtypes load: F32, F16, I32, U8 with scale/min', () => {
  const f16 = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1, -2
  const i32 = new Uint8Array(new Int32Array([7, -3]).buffer);
  const f32 = new Uint8Array(new Float32Array([0.25]).buffer);
  const graph: Graph = { version: 1, inputs: [{ name: 'x', shape: [1, 1, 1, 2] }], outputs: ['y'], nodes: [{ op: 'affine', inputs: ['x', 'h', 'q'], outputs: ['y'] }] };
  const file = writeSafetensors(
    [['h', { dtype: 'F16', shape: [2], bytes: f16 }], ['q', { dtype: 'U8', shape: [2], bytes: new Uint8Array([0, 255]) }], ['i', { dtype: 'I32', shape: [2], bytes: i32 }], ['f', { dtype: 'F32', shape: [1], bytes: f32 }]],
    { graph: JSON.stringify(graph), quantization: JSON.stringify({ q: { scale: 0.5, min: -1 } }) },
  );
  const m = loadModel(file);
  assert.equal(Array.from(m.weights.get('h')!.data), [1, -2]);
  assert.equal(Array.from(m.weights.get('q')!.data), [-1, 126.5]);
  assert.equal(Array.from(m.weights.get('i')!.data), [7, -3]);
  assert.equal(Array.from(m.weights.get('f')!.data), [0.25]);
});

test('saveModel -> loadModel round trip', () => {
  const bytes = saveModel(tiny(), [
    { name: 'w', shape: [1, 1, 2, 1], f32: new Float32Array([1, 2]) },
    { name: 'b', shape: [1], u8: { q: new Uint8Array([4]), scale: 0.25, min: 0 } },
  ]);
  const m = loadModel(bytes);
  assert.equal(m.order.map((n) => n.op.name), ['conv2d', 'relu']);
  assert.equal(Array.from(m.weights.get('b')!.data), [1]);
  assert.is(m.weights.get('b')!.dtype, 'U8');
});

test('graph validation names the problem', () => {
  const bad = (f: (g: Graph) => void) => {
    const g = tiny();
    f(g);
    return () => validateGraph(g, W);
  };
  throwsWith(bad((g) => (g.version = 2)), /version 2 is not supported/);
  throwsWith(bad((g) => (g.nodes[1].op = 'gelu')), /node 1.*unknown op "gelu"/);
  throwsWith(bad((g) => (g.nodes[0].inputs = ['x', 'w', 'nope'])), /reads "nope", which nothing defines/);
  throwsWith(bad((g) => (g.nodes[1].outputs = ['c'])), /output "c" is already defined/);
  throwsWith(bad((g) => (g.nodes[0].attrs = { padding: 'full' })), /node 0 \(conv2d\).*padding/);
  throwsWith(bad((g) => (g.nodes[0].attrs = { stride: 1.5 })), /stride/);
  throwsWith(bad((g) => (g.nodes[1].inputs = ['c', 'x'])), /takes 1 inputs, got 2/);
  throwsWith(bad((g) => (g.outputs = ['zzz'])), /output "zzz" is not produced/);
  throwsWith(bad((g) => (g.inputs[0].name = 'w')), /clashes/);
  throwsWith(bad((g) => (g.inputs[0].shape = [1, 0, 2, 2])), /bad shape/);
  throwsWith(bad((g) => {
    g.nodes[0].inputs = ['y', 'w', 'b'];
  }), /cycle/);
});

test('model-level errors: no graph, graph not JSON, U8 without quantization', () => {
  throwsWith(() => loadModel(writeSafetensors([], {})), /__metadata__.graph is missing/);
  throwsWith(() => loadModel(writeSafetensors([], { graph: '{' })), /graph is not valid JSON/);
  const g = JSON.stringify(tiny());
  throwsWith(() => loadModel(writeSafetensors([['w', { dtype: 'U8', shape: [2], bytes: new Uint8Array(2) }]], { graph: g })), /"w": U8 without an entry/);
  throwsWith(() => loadModel(writeSafetensors([['w', { dtype: 'U8', shape: [2], bytes: new Uint8Array(2) }]], { graph: g, quantization: JSON.stringify({ w: { scale: 'x', min: 0 } }) })), /finite numbers/);
});

test('the bundled recognizer loads, keeps U8 tensors and exact dequantised values', () => {
  const m = loadModel(readFileSync(new URL('../../weights/recognizer-dlib-r29.safetensors', import.meta.url)));
  const w = m.weights.get('conv32_down/conv/filters')!;
  assert.is(w.dtype, 'U8');
  assert.equal(w.shape, [7, 7, 3, 32]);
  assert.is(m.weights.get('conv64_1/conv1/conv/filters')!.dtype, 'F32'); // unquantised in the source
  assert.equal(m.graph.inputs[0].shape, ['N', 150, 150, 3]);
  assert.is(m.metadata.model, 'recognizer-dlib-r29');
  // q * scale + min from face-api's manifest, computed the way tfjs does.
  const q = JSON.parse(m.metadata.quantization)['conv32_down/conv/filters'];
  assert.is(q.scale, 0.0005260649557207145);
  assert.is(q.min, -0.07101876902229645);
});

test.run();
