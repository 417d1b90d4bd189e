// WebGPU device loss mid-run (device.destroy() while a decode is in flight, or between two
// dispatches of a run), on a real adapter (lavapipe in CI). With fallback 'wasm' the call is re-run on
// WebAssembly and returns exactly what a wasm codec returns, the switch is reported once, and later
// calls run on wasm; without a fallback the call fails with a WebGPUError that says the device was
// lost, and so does every later call. Skips where no adapter exists, except in CI (CI=true).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createBackend, activeBackend, type Backend } from '../../host/backends/index.ts';
import { WebGPUBackend, WebGPUError } from '../../host/backends/webgpu/index.ts';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { loadCodec, type Codec } from '../../host/codec/codec.ts';
import { Executor } from '../../host/executor/executor.ts';
import { loadModel } from '../../host/format/model.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { untrainedModels } from '../codec/helpers.ts';
import { requireGpu } from './webgpu-helpers.ts';

const models = untrainedModels(9);
const sample = decodeImage(readFileSync(new URL('../../samples/George_Clooney_0001.png', import.meta.url)));
const gpuDevice = (b: Backend) => (activeBackend(b) as WebGPUBackend).device;

async function rejectsWith(p: Promise<unknown>, re: RegExp): Promise<Error> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, WebGPUError);
    assert.match((e as Error).message, re);
    return e as Error;
  }
  return assert.unreachable(`expected a WebGPUError matching ${re}`) as never;
}

test('fallback wasm: device destroyed while a decode is in flight -> the decode re-runs on wasm with the right result; later calls use wasm', async () => {
  if (!(await requireGpu('webgpu device loss'))) return;
  const reasons: string[] = [];
  const backend = await createBackend('webgpu', { fallback: 'wasm', onFallback: (e, f) => reasons.push(`${f}: ${e.message}`) });
  const codec = await loadCodec({ ...models, backend });
  const wasm = await loadCodec({ ...models, backend: 'wasm' });
  try {
    const png = await wasm.encode(sample, { quality: 40 });
    const want = await wasm.decode(png);
    await codec.decode(png); // binds the plan on WebGPU
    assert.is(backend.name, 'webgpu');
    const inFlight = codec.decode(png); // the run is dispatched and its readback pending...
    gpuDevice(backend).destroy(); // ...when the device goes
    const got = await inFlight;
    assert.equal(Array.from(got.data), Array.from(want.data), 'the re-run on wasm gives wasm\'s pixels');
    assert.is(backend.name, 'wasm');
    assert.instance(activeBackend(backend), WasmBackend);
    assert.is(reasons.length, 1);
    assert.match(reasons[0], /^wasm: WebGPU (device lost|readback)/);
    // Later calls, on plans bound before and after the loss, run on wasm.
    assert.equal(Array.from((await codec.decode(png)).data), Array.from(want.data));
    assert.equal(await codec.encode(sample, { quality: 40 }), png);
    assert.is(reasons.length, 1, 'reported once');
  } finally {
    codec.dispose();
    wasm.dispose();
    (backend as { dispose?: () => void }).dispose?.();
  }
});

test('fallback wasm: device destroyed between two dispatches of a run -> the run is replayed on wasm', async () => {
  if (!(await requireGpu('webgpu device loss'))) return;
  const backend = await createBackend('webgpu', { fallback: 'wasm', onFallback: () => {} });
  const wasm = await WasmBackend.create();
  const model = loadModel(readFileSync(models.recnet));
  const exec = new Executor(model, backend);
  const plan = exec.plan({ code: [1, 5, 6, 3], delta: [1, 5, 6, 1] });
  const code = Float32Array.from({ length: 90 }, (_, i) => (i * 7) % 13), delta = new Float32Array(30).fill(2);
  const want = await new Executor(model, wasm).run({ code: { shape: [1, 5, 6, 3], data: code }, delta: { shape: [1, 5, 6, 1], data: delta } });
  const bound = await backend.bind(plan);
  bound.write(plan.inputs[0], plan.inputs[0].name === 'code' ? code : delta);
  bound.write(plan.inputs[1], plan.inputs[1].name === 'code' ? code : delta);
  const half = Math.floor(plan.steps.length / 2);
  plan.steps.slice(0, half).forEach((s) => bound.dispatch(s));
  gpuDevice(backend).destroy();
  plan.steps.slice(half).forEach((s) => bound.dispatch(s));
  const got = await bound.read(plan.outputs[0]);
  assert.equal(Array.from(got), Array.from(want.image.data));
  assert.is(backend.name, 'wasm');
  bound.dispose();
  wasm.dispose();
  (backend as { dispose?: () => void }).dispose?.();
});

test('no fallback: device loss mid-run is a clear WebGPUError, and so is every later call', async () => {
  if (!(await requireGpu('webgpu device loss'))) return;
  const backend = await createBackend('webgpu');
  let codec: Codec | undefined;
  try {
    codec = await loadCodec({ ...models, backend });
    const png = await codec.encode(sample, { quality: 40 });
    const inFlight = codec.encode(sample, { quality: 40 });
    (backend as WebGPUBackend).device.destroy();
    await rejectsWith(inFlight, /WebGPU (device lost \(destroyed|readback of "\w+" failed)/);
    await rejectsWith(codec.decode(png), /WebGPU device lost \(destroyed/);
    await rejectsWith(codec.encode(sample, { quality: 40 }), /WebGPU device lost \(destroyed/);
  } finally {
    codec?.dispose();
    (backend as { dispose?: () => void }).dispose?.();
  }
});

test.run();
