// The pooled tier (contract.ts PooledTier, layout.ts poolCode/unpoolCode): at qualities 1..upTo a file
// stores the code's 2x2 means in g420 (header flag bit 3) at the tier's steps; decode lays them back out
// bilinearly for RecNet, whose rate input is negated there. Models without the tier never write it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadCodec, parseContainer, readContainer, deltaFor, pooledAt, rateCondition } from '../../host/codec/codec.ts';
import { contractOf, CONTRACT_KEY, LEGACY_CONTRACT, type PooledTier } from '../../host/codec/contract.ts';
import { codeToPlanes, planesToCode, poolCode, unpoolCode, filePlaneSize, FLAG_G420, FLAG_POOLED, FLAG_LUMA_ONLY } from '../../host/codec/layout.ts';
import { decodeHeader, encodeHeader } from '../../host/codec/header.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { toRgbFloat } from '../../host/image/image.ts';
import { untrainedModels } from './helpers.ts';

const sample = decodeImage(readFileSync(new URL('../../samples/Paul_Tagliabue_0001.png', import.meta.url)));
const tier: PooledTier = { upTo: 10, steps: [32, 4] };

test('contract: the tier maps qualities 1..upTo to its own steps (log-spaced), the rest as before; legacy has none; malformed tiers refused', () => {
  assert.equal(contractOf({}).pooled, { upTo: 0, steps: [1, 1] });
  const c = contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...LEGACY_CONTRACT, layout: 'g420', pooled: tier }) });
  assert.equal(c.pooled, tier);
  assert.ok(Math.abs(deltaFor(c, 1) - 32) < 1e-9 && Math.abs(deltaFor(c, 10) - 4) < 1e-9 && Math.abs(deltaFor(c, 5.5 * 2 - 10) - 32 * (4 / 32) ** (0 / 9)) < 1e-9);
  assert.ok(Math.abs(deltaFor(c, 11) - deltaFor(LEGACY_CONTRACT, 11)) < 1e-12, 'above the tier: the regular map');
  assert.ok(pooledAt(c, 10) && !pooledAt(c, 11) && !pooledAt(LEGACY_CONTRACT, 1));
  assert.is(rateCondition(c, 8, true), -0.5);
  assert.is(rateCondition(c, 8, false), 0.5);
  for (const bad of [{ ...tier, upTo: 100 }, { ...tier, upTo: 2.5 }, { ...tier, steps: [32, 0] }, { upTo: 3 }])
    assert.throws(() => contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...LEGACY_CONTRACT, layout: 'g420', pooled: bad }) }), /malformed/);
  assert.throws(() => contractOf({ [CONTRACT_KEY]: JSON.stringify({ ...LEGACY_CONTRACT, layout: 'rgb', pooled: tier }) }), /malformed/, 'g420 only');
});

test('layout: a pooled code stores its 2x2 means in g420 at half the size and reads back as their bilinear layout, odd sizes included', () => {
  let s = 7;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (const [h, w] of [[38, 38], [7, 9], [1, 1], [5, 2]]) {
    const code = Float32Array.from({ length: h * w * 3 }, () => 255 * r());
    const [p] = codeToPlanes('g420', code, h, w, 6, false, true);
    assert.is(p.flags, FLAG_G420 | FLAG_POOLED);
    assert.equal({ width: p.width, height: p.height }, filePlaneSize(p.flags, h, w));
    const [direct] = codeToPlanes('g420', poolCode(code, h, w), Math.ceil(h / 2), Math.ceil(w / 2), 6);
    assert.equal([...p.samples], [...direct.samples], 'the pooled code, in g420');
    const back = planesToCode(p.flags, p, h, w, 6);
    assert.equal([...back], [...unpoolCode(planesToCode(FLAG_G420, direct, Math.ceil(h / 2), Math.ceil(w / 2), 6), h, w)]);
  }
  // A constant code pools and unpools to itself; pooling averages partial blocks at an odd edge.
  assert.equal([...unpoolCode(poolCode(new Float32Array(7 * 5 * 3).fill(9), 7, 5), 7, 5)], new Array(7 * 5 * 3).fill(9));
  assert.equal([...poolCode(Float32Array.from([1, 1, 1, 3, 3, 3, 8, 8, 8]), 1, 3)], [2, 2, 2, 8, 8, 8]);
  assert.throws(() => codeToPlanes('rgb', new Float32Array(12), 2, 2, 6, false, true), /g420 layout with all its planes/);
  assert.throws(() => codeToPlanes('g420', new Float32Array(12), 2, 2, 6, true, true), /g420 layout with all its planes/);
});

test('header: a pooled file resolves its original size from the PNG and the residues, for every size up to 80; pooled with luma-only is refused', () => {
  for (let W = 1; W <= 80; W += 1)
    for (const H of [1, 7, 8, 9, 31, 64, 80, W]) {
      const h = Math.ceil(H / 4), w = Math.ceil(W / 4), flags = FLAG_G420 | FLAG_POOLED;
      const png = filePlaneSize(flags, h, w);
      const hd = decodeHeader(encodeHeader({ flags, modelId: 0, weightsHash: 0, quality: 1, width: W, height: H }), png, 4);
      assert.equal([hd.width, hd.height, hd.flags], [W, H, flags], `${W}x${H}`);
    }
  assert.throws(() => decodeHeader(encodeHeader({ flags: FLAG_G420 | FLAG_POOLED | FLAG_LUMA_ONLY, modelId: 0, weightsHash: 0, quality: 1, width: 150, height: 150 }), { width: 20, height: 19 }, 4), /header flags/);
  assert.throws(() => decodeHeader(encodeHeader({ flags: FLAG_POOLED, modelId: 0, weightsHash: 0, quality: 1, width: 150, height: 150 }), { width: 20, height: 19 }, 4), /header flags/);
});

test('codec: a model with the tier writes pooled files below it and regular ones above; each decodes; a model without it refuses a pooled file', async () => {
  const withTier = await loadCodec({ ...untrainedModels(11, 'g420', { pooled: tier }), backend: 'wasm' });
  const without = await loadCodec({ ...untrainedModels(11, 'g420'), backend: 'wasm' });
  for (const quality of [1, 10, 11]) {
    const file = await withTier.encode(sample, { quality });
    const c = readContainer(file);
    const pooled = quality <= tier.upTo;
    assert.is(c.header.flags, pooled ? FLAG_G420 | FLAG_POOLED : FLAG_G420, `quality ${quality}`);
    assert.equal([c.image.width, c.image.height], pooled ? [20, 29] : [38, 57]);
    assert.is(parseContainer(file, {}, withTier.contract).code.length, 38 * 38 * 3);
    const out = await withTier.decode(file);
    assert.equal([out.width, out.height], [150, 150]);
  }
  const pooledFile = await withTier.encode(sample, { quality: 1 });
  // Model id 0 on both: the container check against the contract comes before the weights hash.
  await without.decode(pooledFile).then(
    () => assert.unreachable('decoded'),
    (e) => assert.match(e.message, /file stores a pooled code at quality 1, which this model does not/),
  );
  withTier.dispose();
  without.dispose();
});

/** The PNG's image data (IDAT chunks): what the code is, whatever the header's hash byte says. */
const imageData = (file: Uint8Array) => {
  const out: number[] = [];
  for (let at = 8; at < file.length; ) {
    const len = new DataView(file.buffer, file.byteOffset + at).getUint32(0);
    if (String.fromCharCode(...file.subarray(at + 4, at + 8)) === 'IDAT') out.push(...file.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  return out;
};

test("a pooled tier's own pair: it writes and restores the pooled qualities, the main pair the rest; a pair copying the main one changes nothing but the hash", async () => {
  const main = untrainedModels(11, 'g420', { pooled: tier }), other = untrainedModels(12, 'g420', { pooled: tier });
  const one = await loadCodec({ ...main, backend: 'wasm' });
  const two = await loadCodec({ ...main, compnetPooled: other.compnet, recnetPooled: other.recnet, backend: 'wasm' });
  const same = await loadCodec({ ...main, compnetPooled: main.compnet, recnetPooled: main.recnet, backend: 'wasm' });
  assert.ok(one.weightsHash !== two.weightsHash && one.weightsHash !== same.weightsHash, 'the pooled pair is part of the weights hash');
  const [a1, b1, c1] = await Promise.all([one, two, same].map((c) => c.encode(sample, { quality: 1 })));
  const [a11, b11] = await Promise.all([one, two].map((c) => c.encode(sample, { quality: 11 })));
  assert.equal(imageData(c1), imageData(a1), 'the same networks write the same code');
  assert.not.equal(imageData(b1), imageData(a1), 'the pooled pair writes the pooled qualities');
  assert.equal(imageData(b11), imageData(a11), 'the main pair writes the others');
  assert.equal(Array.from((await same.decode(c1)).data), Array.from((await one.decode(a1)).data));
  assert.equal(Array.from((await two.decode(b11)).data), Array.from((await one.decode(a11)).data));
  assert.is((await two.decode(b1)).width, 150);
  for (const c of [one, two, same]) c.dispose();
});

test("model v7: quality 1 is a pooled file written and restored by its pooled pair; effort 1 refines that code through the pooled RecNet and still decodes", async () => {
  const v7 = await loadCodec({ modelId: 8, backend: 'wasm' });
  assert.equal(v7.contract.pooled, { upTo: 13, steps: [56, 12] });
  const e0 = await v7.encode(sample, { quality: 1 }), e1 = await v7.encode(sample, { quality: 1, effort: 1 });
  for (const f of [e0, e1]) assert.is(readContainer(f).header.flags, FLAG_G420 | FLAG_POOLED);
  assert.not.equal(imageData(e1), imageData(e0), 'effort changed the code');
  const rgb = toRgbFloat(sample); // the sample is RGBA
  const psnr = (d: Uint8Array) => 10 * Math.log10((255 * 255 * d.length) / d.reduce((a, v, i) => a + (v - rgb[i]) ** 2, 0));
  const [p0, p1] = [psnr((await v7.decode(e0)).data), psnr((await v7.decode(e1)).data)];
  assert.ok(p0 > 22 && p1 > 22, `restored at ${p0.toFixed(2)} and ${p1.toFixed(2)} dB (v6's luma-only quality 1: about 20)`);
  // Above the tier v7 is v6's own files: the same code and the same restoration, another header.
  const v6 = await loadCodec({ modelId: 7, backend: 'wasm' });
  const [f6, f7] = await Promise.all([v6.encode(sample, { quality: 21 }), v7.encode(sample, { quality: 21 })]);
  assert.equal(imageData(f7), imageData(f6));
  assert.is(f7.length, f6.length);
  assert.equal(Array.from((await v7.decode(f7)).data), Array.from((await v6.decode(f6)).data));
  // Given as files (an edge worker's imports), v7 needs its pooled pair too: its main pair alone would write quality 1 as v6 does under v7's id.
  const w = (k: string) => new URL(`../../weights/${k}.safetensors`, import.meta.url);
  await loadCodec({ modelId: 8, compnet: w('compnet-v6'), recnet: w('recnet-v6'), backend: 'wasm' }).then(
    () => assert.unreachable('loaded v7 without its pooled pair'),
    (e: Error) => assert.match(e.message, /has a pooled tier with its own pair: give compnetPooled and recnetPooled/),
  );
  const files = await loadCodec({ modelId: 8, compnet: w('compnet-v6'), recnet: w('recnet-v6'), compnetPooled: w('compnet-v7-pooled'), recnetPooled: w('recnet-v7-pooled'), backend: 'wasm' });
  assert.is(files.weightsHash, v7.weightsHash);
  assert.equal(imageData(await files.encode(sample, { quality: 1 })), imageData(e0));
  files.dispose();
  v6.dispose();
  v7.dispose();
});

test("model v8 reuses v7's pooled pair (models.ts pooledPair: 'v7'): the same code at the tier's qualities, its own main pair above; its files name v8", async () => {
  const [v7, v8] = await Promise.all([loadCodec({ modelId: 8, backend: 'wasm' }), loadCodec({ modelId: 9, backend: 'wasm' })]);
  assert.equal(v8.contract, v7.contract);
  assert.is.not(v8.weightsHash, v7.weightsHash);
  const [a1, b1] = [await v7.encode(sample, { quality: 13 }), await v8.encode(sample, { quality: 13 })];
  assert.equal(imageData(b1), imageData(a1), 'the pooled tier is v7s');
  assert.is(readContainer(b1).header.modelId, 9);
  assert.equal(Array.from((await v8.decode(b1)).data), Array.from((await v7.decode(a1)).data));
  const [a21, b21] = [await v7.encode(sample, { quality: 21 }), await v8.encode(sample, { quality: 21 })];
  assert.not.equal(imageData(b21), imageData(a21), 'above the tier the main pairs differ');
  // The header names the model: v7 refuses v8's files.
  await v7.decode(b21).then(
    () => assert.unreachable('v7 decoded a v8 file'),
    (e: Error) => assert.match(e.message, /file was made by model v8 but this codec has v7/),
  );
  v7.dispose();
  v8.dispose();
});

test("a pooled pair may add the tier to a main pair released without it (v7 on v6's files); it is refused without a tier, with another contract, or given by half", async () => {
  const main = untrainedModels(11, 'g420', { pooled: tier }), plain = untrainedModels(11, 'g420'), other = untrainedModels(12, 'g420', { pooled: { upTo: 9, steps: [32, 4] } });
  const addOn = await loadCodec({ ...plain, compnetPooled: main.compnet, recnetPooled: main.recnet, backend: 'wasm' });
  assert.equal(addOn.contract.pooled, tier, "the model's contract is the pooled pair's");
  assert.is(readContainer(await addOn.encode(sample, { quality: 1 })).header.flags, FLAG_G420 | FLAG_POOLED);
  addOn.dispose();
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ ...main, compnetPooled: plain.compnet, recnetPooled: plain.recnet }, /its contract has no pooled tier/],
    [{ ...main, compnetPooled: other.compnet, recnetPooled: other.recnet }, /another codec contract/],
    [{ ...plain, compnetPooled: untrainedModels(12, 'g420', { pooled: tier, deltaRange: [64, 2] }).compnet, recnetPooled: untrainedModels(12, 'g420', { pooled: tier, deltaRange: [64, 2] }).recnet }, /another codec contract/],
    [{ ...main, compnetPooled: other.compnet }, /both compnetPooled and recnetPooled/],
  ];
  for (const [opts, message] of cases)
    await loadCodec({ ...opts, backend: 'wasm' }).then(
      () => assert.unreachable('accepted'),
      (e) => assert.match(e.message, message),
    );
});

test.run();
