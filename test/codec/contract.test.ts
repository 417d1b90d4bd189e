// The model file carries its codec contract: the codec follows it (factor, quality-to-step map,
// RecNet's rate input, layout), refuses malformed or mismatched ones, and models released before the
// contract existed get the legacy one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadModel } from '../../host/format/model.ts';
import { contractOf, deltaFor, residualTierAt, LEGACY_CONTRACT, CONTRACT_KEY, type ResidualTier } from '../../host/codec/contract.ts';
import { loadCodec, parseContainer, CodecError } from '../../host/codec/codec.ts';
import { MODEL_REGISTRY, pairNames } from '../../host/codec/models.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { untrainedModels } from './helpers.ts';

const sample = decodeImage(readFileSync(new URL('../../samples/Paul_Tagliabue_0001.png', import.meta.url)));

test('every shipped model declares a contract, or is a legacy model with a known layout; both files agree', () => {
  for (const m of MODEL_REGISTRY) {
    const files = pairNames(m);
    const [c, r, ...pooled] = files.flatMap((f) => ['compnet', 'recnet'].map((k) => contractOf(loadModel(new Uint8Array(readFileSync(new URL(`../../weights/${k}-${f}.safetensors`, import.meta.url)))).metadata)));
    assert.equal(c, r, m.name);
    // A pooled pair carries the model's contract: the main pair's, with its tier.
    for (const p of pooled) assert.equal({ ...p, pooled: c.pooled }, c, `${m.name}'s pooled pair`);
    if (pooled.length) assert.ok(pooled[0].pooled.upTo > 0 && JSON.stringify(pooled[0]) === JSON.stringify(pooled[1]), `${m.name}'s pooled pair has a tier`);
    assert.is(c.factor, 4);
    assert.ok(['rgb', 'g420'].includes(c.layout));
  }
});

test('legacy metadata (code_layout only, or nothing) gives the legacy contract', () => {
  assert.equal(contractOf({}), LEGACY_CONTRACT);
  assert.equal(contractOf({ code_layout: 'g420' }), { ...LEGACY_CONTRACT, layout: 'g420' });
  assert.throws(() => contractOf({ [CONTRACT_KEY]: '{' }), /not JSON/);
  assert.throws(() => contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...LEGACY_CONTRACT, factor: 0 }) }), /malformed/);
  assert.throws(() => contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...LEGACY_CONTRACT, layout: 'yuv' }) }), /unknown code layout/);
  assert.ok(Math.abs(deltaFor({ deltaRange: [64, 1] }, 100) - 1) < 1e-12);
});

test('the residual tier: a contract written without it gets the legacy tier; a malformed tier is refused; steps at the ends', () => {
  const { residual, ...older } = LEGACY_CONTRACT;
  assert.equal(contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...older, layout: 'g420' }) }).residual, residual);
  const own: ResidualTier = { from: 95, codeQuality: 60, lumaSteps: [20, 4], chromaRatio: 1 };
  assert.equal(contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...LEGACY_CONTRACT, residual: own }) }).residual, own);
  for (const bad of [{ ...own, codeQuality: 0 }, { ...own, lumaSteps: [20, 0.5] }, { ...own, chromaRatio: 3 }, { ...own, from: 95.5 }])
    assert.throws(() => contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...LEGACY_CONTRACT, residual: bad }) }), /malformed/);
  const c = { residual: own };
  assert.is(residualTierAt(c, 94), undefined);
  assert.equal(residualTierAt(c, 95), { codeQuality: 60, luma: 20, chroma: 20 });
  assert.equal(residualTierAt(c, 100), { codeQuality: 60, luma: 4, chroma: 4 });
  assert.throws(() => residualTierAt(c, 101), /quality must be an integer 1..100/);
});

test('the codec follows the contract in the files: another step range changes the stored samples and the header still reads back', async () => {
  const a = await loadCodec({ ...untrainedModels(7, 'g420'), backend: 'wasm' });
  const b = await loadCodec({ ...untrainedModels(7, 'g420', { deltaRange: [32, 1] }), backend: 'wasm' });
  const fa = await a.encode(sample, { quality: 1 }), fb = await b.encode(sample, { quality: 1 });
  const pa = parseContainer(fa, 1e6), pb = parseContainer(fb, 1e6, b.contract);
  assert.is(pa.depth, 4); // step 128: samples 0..4
  assert.ok(Math.max(...pb.image.samples) > 4, 'step 32 stores finer samples');
  assert.equal((await b.decode(fb)).width, 150);
  a.dispose();
  b.dispose();
});

test('CompNet and RecNet with different contracts are refused', async () => {
  const one = untrainedModels(7, 'g420'), two = untrainedModels(7, 'rgb');
  await loadCodec({ compnet: one.compnet, recnet: two.recnet, backend: 'wasm' }).then(
    () => assert.unreachable('accepted'),
    (e) => {
      assert.instance(e, CodecError);
      assert.match(e.message, /different codec contracts/);
    },
  );
});

test.run();
