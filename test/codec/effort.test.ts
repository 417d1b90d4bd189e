// Encode effort: the refined code's objective is never worse than CompNet's (the best iterate is
// kept, measured with the code quantised exactly as the decoder sees it); files decode as usual.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadCodec, CodecError, contractOf } from '../../host/codec/codec.ts';
import { CodeRefiner, EFFORT_WEIGHTS, effortWeightsFor } from '../../host/codec/effort.ts';
import { MODEL_REGISTRY } from '../../host/codec/models.ts';
import { loadModel } from '../../host/format/model.ts';
import { createBackend } from '../../host/backends/index.ts';
import { Executor } from '../../host/executor/executor.ts';
import { DEFAULT_RECOGNIZER_URL } from '../../host/models/recognizer.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { toRgbFloat } from '../../host/image/image.ts';
import { untrainedModels } from './helpers.ts';

const chip = decodeImage(readFileSync(new URL('../../samples/Martha_Burk_0002.png', import.meta.url)));

test('refinement lowers the objective of a 150x150 chip with the shipped model (recognizer term on)', async () => {
  const files = { compnet: new URL('../../weights/compnet-v3.safetensors', import.meta.url), recnet: new URL('../../weights/recnet-v3.safetensors', import.meta.url) };
  const comp = loadModel(new Uint8Array(readFileSync(files.compnet))), rec = loadModel(new Uint8Array(readFileSync(files.recnet)));
  const backend = await createBackend('wasm');
  const contract = contractOf(comp.metadata);
  const x = new Float32Array(152 * 152 * 3);
  const src = toRgbFloat(chip);
  for (let y = 0; y < 152; y++) for (let xx = 0; xx < 152; xx++) x.set(src.subarray((Math.min(y, 149) * 150 + Math.min(xx, 149)) * 3, (Math.min(y, 149) * 150 + Math.min(xx, 149)) * 3 + 3), (y * 152 + xx) * 3);
  const { code } = await new Executor(comp, backend).run({ image: { shape: [1, 152, 152, 3], data: x } });
  const refiner = new CodeRefiner(rec, loadModel(new Uint8Array(readFileSync(DEFAULT_RECOGNIZER_URL))), backend, contract);
  const r = await refiner.refine({ code: code.data, images: x, width: 150, height: 150, n: 1, h: 38, w: 38, delta: 40, pooled: false, iterations: 3 });
  assert.ok(r.after[0] < r.before[0], `objective ${r.before[0]} -> ${r.after[0]}`);
  assert.is(r.code.length, code.data.length);
  refiner.dispose();
  // The squared-error reconstruction term: another objective of the same code, lowered too.
  const l2 = new CodeRefiner(rec, loadModel(new Uint8Array(readFileSync(DEFAULT_RECOGNIZER_URL))), backend, contract, { identity: 0.3, rate: 0.1, reconstruction: 'l2' });
  const r2 = await l2.refine({ code: code.data, images: x, width: 150, height: 150, n: 1, h: 38, w: 38, delta: 40, pooled: false, iterations: 3 });
  assert.ok(r2.after[0] < r2.before[0], `l2 objective ${r2.before[0]} -> ${r2.after[0]}`);
  assert.ok(Math.abs(r2.before[0] - r.before[0]) > 1e-4, `l2 ${r2.before[0]} vs l1 ${r.before[0]}`);
  l2.dispose();
});

test('encode with effort decodes; a bad effort is a CodecError', async () => {
  const codec = await loadCodec({ ...untrainedModels(4, 'g420'), backend: 'wasm' });
  const small = { data: chip.data.slice(0, 40 * 24 * chip.channels), width: 40, height: 24, channels: chip.channels };
  const png = await codec.encode(small, { quality: 30, effort: 1 }); // not a chip: reconstruction and rate terms only
  assert.equal([(await codec.decode(png)).width, (await codec.decode(png)).height], [40, 24]);
  await codec.encode(small, { effort: 9 }).then(
    () => assert.unreachable('accepted'),
    (e) => assert.instance(e, CodecError),
  );
  codec.dispose();
  // Another objective through the API: a file that decodes; bad weights are refused up front.
  const l2 = await loadCodec({ ...untrainedModels(4, 'g420'), backend: 'wasm', effortWeights: { identity: 0.3, rate: 0.1, reconstruction: 'l2' } });
  assert.is((await l2.decode(await l2.encode(small, { quality: 30, effort: 1 }))).width, 40);
  l2.dispose();
  for (const bad of [{ identity: -1, rate: 0 }, { identity: 1, rate: NaN }, { identity: 1, rate: 0, reconstruction: 'l3' }])
    await loadCodec({ ...untrainedModels(4, 'g420'), backend: 'wasm', effortWeights: bad as never }).then(
      () => assert.unreachable(`accepted ${JSON.stringify(bad)}`),
      (e) => assert.instance(e, CodecError),
    );
});

test("a model's own effort objective is what loadCodec uses unless effortWeights says otherwise", async () => {
  const own = MODEL_REGISTRY.find((m) => m.effort);
  assert.ok(own, 'a registered model names its own objective');
  assert.equal(effortWeightsFor(own!.id), own!.effort);
  assert.is(effortWeightsFor(MODEL_REGISTRY.find((m) => !m.effort)!.id), EFFORT_WEIGHTS);
  assert.is(effortWeightsFor(0), EFFORT_WEIGHTS); // an unregistered candidate
  // A 40x24 crop (no recognizer term; quality 30) so that three encodes stay quick: the model's
  // default objective writes the file that naming it writes, and another objective another file.
  const small = { data: chip.data.slice(0, 40 * 24 * chip.channels), width: 40, height: 24, channels: chip.channels };
  const encodeWith = async (effortWeights?: typeof EFFORT_WEIGHTS) => {
    const c = await loadCodec({ backend: 'wasm', modelId: own!.id, ...(effortWeights ? { effortWeights } : {}) });
    const png = await c.encode(small, { quality: 30, effort: 1 });
    c.dispose();
    return Buffer.from(png).toString('hex');
  };
  const byDefault = await encodeWith(), named = await encodeWith(own!.effort), other = await encodeWith({ identity: 1, rate: 3 });
  assert.is(byDefault, named);
  assert.is.not(byDefault, other);
});

test.run();
