// The second recognizer (HSE FaceRes-deep, evaluation only): converted from the devDependency by our
// converter and run on the wasm backend, against TensorFlow.js's own graph executor on the released
// model (test/fixtures/faceres-oracle.json, written by `npm run oracle:faceres`); and the converter's
// refusal of graphs that are not the expected network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { decodeImage } from '../../host/image/codecs.ts';
import { loadModel } from '../../host/format/model.ts';
import { convertFaceres, type TfGraphModel } from '../../bench/eval/faceres-convert.ts';
import { cosineDistance, loadFaceres, readFaceresSource } from '../../bench/eval/recognizers.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { throwsWith } from '../helpers.ts';

const oracle = JSON.parse(readFileSync(new URL('../fixtures/faceres-oracle.json', import.meta.url), 'utf8')) as { samples: Record<string, number[]> };
const src = readFaceresSource();
const bytes = convertFaceres(src.model, src.bin, 'test');

test('conversion: 27 convs + clamp and a global mean; 1024-d output; deterministic', () => {
  const m = loadModel(bytes);
  const ops = m.graph.nodes.map((n) => n.op);
  assert.is(ops.filter((o) => o === 'conv2d').length, 27);
  assert.is(ops.filter((o) => o === 'clamp').length, 27);
  assert.is(ops[ops.length - 1], 'global_mean');
  assert.equal(m.graph.inputs[0].shape, ['N', 224, 224, 3]);
  assert.equal(m.weights.get('conv_pw_13/filters')!.shape, [1, 1, 1024, 1024]);
  assert.equal(m.weights.get('conv_dw_13/filters')!.shape, [3, 3, 1, 1024]);
  assert.ok(Buffer.from(convertFaceres(src.model, src.bin, 'test')).equals(Buffer.from(bytes)), 'same bytes twice');
});

test('wasm (2 threads): descriptors of the sample chips match the TensorFlow.js oracle within 1e-4 (relative)', async () => {
  const backend = await WasmBackend.create({ threads: 2 });
  const rec = await loadFaceres({ backend, bytes });
  const files = Object.keys(oracle.samples);
  assert.is(files.length, 6);
  const ds = await rec.embedBatch(files.map((f) => decodeImage(readFileSync(new URL(`../../samples/${f}`, import.meta.url)))));
  files.forEach((f, i) => {
    const want = oracle.samples[f];
    assert.is(ds[i].length, 1024);
    const scale = Math.max(...want.map(Math.abs));
    const err = Math.max(...want.map((w, k) => Math.abs(ds[i][k] - w)));
    assert.ok(err <= 1e-4 * scale, `${f}: max error ${err} vs max |value| ${scale}`);
  });
  // The same person is closer than another person (cosine distance).
  assert.ok(cosineDistance(ds[0], ds[1]) < cosineDistance(ds[0], ds[2]), 'Clooney 1-2 closer than Clooney-Burk');
  backend.dispose?.();
});

test('cosine distance: 0 for parallel vectors, 1 for orthogonal or zero ones, 2 for opposite', () => {
  const v = (...a: number[]) => Float32Array.from(a);
  assert.ok(Math.abs(cosineDistance(v(1, 2, 3), v(2, 4, 6))) < 1e-12);
  assert.is(cosineDistance(v(1, 0), v(0, 5)), 1);
  assert.is(cosineDistance(v(0, 0), v(1, 1)), 1);
  assert.is(cosineDistance(v(1, -1), v(-1, 1)), 2);
  throwsWith(() => cosineDistance(v(1), v(1, 2)), /lengths differ/);
});

test('the converter refuses a different network, naming the node; and a truncated .bin', () => {
  const edited = (edit: (m: TfGraphModel) => void) => {
    const m = structuredClone(src.model);
    edit(m);
    return m;
  };
  const node = (m: TfGraphModel, name: string) => m.modelTopology.node.find((n) => n.name === name)!;
  const strided = edited((m) => (node(m, 'conv_dw_3/depthwise').attr!.strides.list!.i = ['1', '2', '2', '1']));
  throwsWith(() => convertFaceres(strided, src.bin, 't'), /conv_dw_3\/depthwise has .*strides/);
  const rewired = edited((m) => (node(m, 'conv_pw_5_relu/Relu').input = ['conv_pw_4_relu/clip_by_value']));
  throwsWith(() => convertFaceres(rewired, src.bin, 't'), /conv_pw_5_relu\/Relu is Relu\(conv_pw_4_relu/);
  const swish = edited((m) => (node(m, 'conv_dw_7_relu/clip_by_value').op = 'Mul'));
  throwsWith(() => convertFaceres(swish, src.bin, 't'), /conv_dw_7_relu\/clip_by_value is Mul/);
  throwsWith(() => convertFaceres(src.model, src.bin.subarray(0, src.bin.byteLength - 4), 't'), /\.bin ends inside/);
});

test.run();
