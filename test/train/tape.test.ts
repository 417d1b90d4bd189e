// The tape on the wasm backend (1 and 2 threads) and on WebGPU (lavapipe in CI; skipped without an
// adapter, except in CI) against the tape on the reference backend, through the codec's two networks
// and the recognizer (weight and input gradients); and plans released: wasm linear memory stays flat
// over 200 training plans of different sizes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Backend } from '../../host/backends/backend.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { createWebGPUBackend } from '../../host/backends/webgpu/index.ts';
import { loadModel, saveModel, type Model } from '../../host/format/model.ts';
import { compnetSpec, initParams, recnetSpec, type NetSpec } from '../../host/models/codec-graph.ts';
import { DEFAULT_RECOGNIZER_URL } from '../../host/models/recognizer.ts';
import { Tape } from '../../host/train/tape.ts';
import { nmse, rng } from '../backends/harness.ts';
import { requireGpu } from '../backends/webgpu-helpers.ts';

const build = (spec: NetSpec, seed: number): Model => loadModel(saveModel(spec.graph, [...spec.consts, ...initParams(spec, seed)]));

async function grads(model: Model, backend: Backend, params: Set<string>, inputs: Record<string, number[]>, want: string[]) {
  const rand = rng(5);
  const data = Object.fromEntries(Object.entries(inputs).map(([k, s]) => [k, { shape: s, data: Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rand() * 255) }]));
  const tape = new Tape(model, backend, params, new Set(want));
  const out = model.graph.outputs[0];
  const step = async () => {
    const acts = await tape.forward(data);
    const seed = Float32Array.from({ length: acts.values.get(out)!.length }, (_, i) => Math.sin(i) / 2);
    return tape.backward(acts, new Map([[out, seed]]), new Set(want));
  };
  await step();
  // Weights changed in place, as an optimiser does: the second step must see them (fused plans included).
  const saved = [...params].map((p) => [p, model.weights.get(p)!.data.slice()] as const);
  for (const p of params) model.weights.get(p)!.data.forEach((v, i, a) => (a[i] = v * 0.9 + 0.01));
  tape.weightsChanged();
  const g = await step();
  for (const [p, d] of saved) model.weights.get(p)!.data.set(d);
  tape.dispose();
  return new Map([...g.params, ...g.inputs]);
}

const nets = () => {
  const comp = compnetSpec(), rec = recnetSpec();
  return [
    { name: 'CompNet', model: build(comp, 1), params: new Set(comp.params.map((p) => p.name)), inputs: { image: [2, 20, 16, 3] } as Record<string, number[]>, want: [] as string[] },
    { name: 'RecNet', model: build(rec, 2), params: new Set(rec.params.map((p) => p.name)), inputs: { code: [2, 5, 4, 3], delta: [2, 5, 4, 1] } as Record<string, number[]>, want: ['code'] },
    { name: 'recognizer', model: loadModel(new Uint8Array(readFileSync(DEFAULT_RECOGNIZER_URL))), params: new Set<string>(), inputs: { image: [1, 150, 150, 3] } as Record<string, number[]>, want: ['image'] },
  ];
};

const NETS = nets();
const refGrads = new Map<string, Promise<Map<string, Float32Array>>>(); // computed once, shared by both thread counts
const reference = (net: (typeof NETS)[number]) => {
  if (!refGrads.has(net.name)) refGrads.set(net.name, grads(net.model, new RefBackend(), net.params, net.inputs, net.want));
  return refGrads.get(net.name)!;
};

/** Every gradient of every net on `backend` within nMSE 1e-7 of the reference tape's. */
async function matchesReference(backend: Backend & { dispose(): void }): Promise<void> {
  try {
    for (const net of NETS) {
      const want = await reference(net);
      const got = await grads(net.model, backend, net.params, net.inputs, net.want);
      assert.is(got.size, net.params.size + net.want.length, `${net.name}: every gradient`);
      for (const [name, g] of want) {
        const e = nmse(got.get(name)!, g);
        assert.ok(e < 1e-7, `${net.name} ${name}: nmse ${e}`);
      }
    }
  } finally {
    backend.dispose();
  }
}

for (const threads of [1, 2]) {
  test(`tape on wasm (${threads} thread${threads > 1 ? 's' : ''}) matches the tape on the reference backend`, async () => {
    await matchesReference(await WasmBackend.create({ threads, minParallelCost: 0 }));
  });
}

if (await requireGpu('tape on webgpu')) {
  test('tape on webgpu matches the tape on the reference backend', async () => {
    await matchesReference(await createWebGPUBackend());
  });
}

test('wasm linear memory flat over 200 training plans of different sizes', async () => {
  const backend = await WasmBackend.create({ threads: 1 });
  const rec = recnetSpec();
  const model = build(rec, 3);
  const tape = new Tape(model, backend, new Set(rec.params.map((p) => p.name)), new Set(['code']));
  const step = async (h: number, w: number) => {
    const acts = await tape.forward({ code: { shape: [1, h, w, 3], data: new Float32Array(h * w * 3).fill(9) }, delta: { shape: [1, h, w, 1], data: new Float32Array(h * w).fill(1) } });
    await tape.backward(acts, new Map([['image', new Float32Array(h * w * 48).fill(0.01)]]), new Set(['code']));
  };
  const sizes = Array.from({ length: 50 }, (_, i) => [3 + ((i * 7) % 11), 3 + ((i * 5) % 9)]);
  // Warm-up: first-fit over arenas of varying sizes settles after about 4 passes (measured; bounded, not growing).
  for (let k = 0; k < 4; k++) for (const [h, w] of k % 2 ? [...sizes].reverse() : sizes) await step(h, w);
  const warm = backend.memoryBytes;
  for (let k = 0; k < 4; k++) for (const [h, w] of k % 2 ? [...sizes].reverse() : sizes) await step(h, w); // 200 more
  tape.dispose();
  backend.dispose();
  assert.is(backend.memoryBytes, warm, `grew from ${warm} to ${backend.memoryBytes} bytes after warm-up`);
});

test.run();
