// Code layouts (host/codec/layout.ts): exact round trips on codes the quantiser represents exactly,
// the g420 closed loop, sample-range checks, and whole files in the g420 layout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codeToPlanes, maxSample, planesToCode, planeSize, FLAG_G420, FLAG_LUMA_ONLY, type CodeLayout } from '../../host/codec/layout.ts';
import { CodecError } from '../../host/codec/png.ts';
import { loadCodec, parseContainer } from '../../host/codec/codec.ts';
import { untrainedModels } from './helpers.ts';

const delta = 16, M = Math.round(255 / delta);
/** A code whose values sit on the quantiser grid; with blockFlat, c0 - c1 and c2 - c1 are constant on 2x2 blocks. */
function gridCode(h: number, w: number, blockFlat: boolean): Float32Array {
  const code = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const g = ((x * 3 + y * 5) % 10) + 3;
      const [d0, d2] = blockFlat ? [((x >> 1) + (y >> 1)) % 3 - 1, ((x >> 1) * 2 + (y >> 1)) % 3 - 1] : [(x + y) % 3 - 1, (x * 2 + y) % 3 - 1];
      code.set([(g + d0) * delta, g * delta, (g + d2) * delta], (y * w + x) * 3);
    }
  return code;
}

test('rgb layout: both variants round-trip exactly', () => {
  for (const [h, w] of [[38, 38], [5, 7]]) {
    const code = gridCode(h, w, false);
    const variants = codeToPlanes('rgb', code, h, w, delta);
    assert.is(variants.length, 2);
    for (const v of variants) assert.equal(planesToCode(v.flags, v, h, w, delta), code);
  }
});

test('g420 layout: sizes, exact round trip of block-flat differences, odd sizes', () => {
  assert.equal(planeSize('g420', 38, 38), { width: 38, height: 57 });
  assert.equal(planeSize('g420', 5, 7), { width: 8, height: 8 });
  for (const [h, w] of [[38, 38], [5, 7]]) {
    const code = gridCode(h, w, true);
    const [v] = codeToPlanes('g420', code, h, w, delta);
    assert.is(v.flags, FLAG_G420);
    assert.is(v.maxSample, 2 * M);
    assert.equal(planesToCode(v.flags, v, h, w, delta), code);
  }
});

test('g420 layout: differences are averaged per 2x2 block and taken against the decoded c1', () => {
  // c1 = 20 everywhere (quantises to 16 or 32 -> 16 at step 16: round(1.25) = 1); c0 = c1 + (0, 32, 0, 32).
  const h = 2, w = 2, code = new Float32Array(12);
  [0, 32, 0, 32].forEach((d, p) => code.set([20 + d, 20, 20], p * 3));
  const [v] = codeToPlanes('g420', code, h, w, delta);
  const out = planesToCode(v.flags, v, h, w, delta);
  // decoded c1 = 16; mean of c0 - decoded c1 = 4 + 16 = 20 -> round(20/16) = 1 step -> c0 = 16 + 16.
  for (let p = 0; p < 4; p++) assert.equal([...out.subarray(p * 3, p * 3 + 3)], [32, 16, 16 + Math.round(4 / 16) * 16]);
});

test('g420 layout: out-of-range samples and wrong sizes are CodecErrors', () => {
  const h = 4, w = 4;
  const [v] = codeToPlanes('g420', gridCode(h, w, true), h, w, delta);
  const top = { ...v, samples: v.samples.slice() };
  top.samples[0] = M + 1; // c1 plane holds 0..M
  assert.throws(() => planesToCode(v.flags, top, h, w, delta), (e: Error) => e instanceof CodecError && /out of range/.test(e.message));
  const bottom = { ...v, samples: v.samples.slice() };
  bottom.samples[bottom.samples.length - 1] = 2 * M + 1;
  assert.throws(() => planesToCode(v.flags, bottom, h, w, delta), /out of range/);
  assert.throws(() => planesToCode(v.flags, { ...v, height: v.height + 1 }, h, w, delta), /needs 4x6/);
});

test('a g420 model writes g420 files that decode; a model with an unknown layout is refused', async () => {
  const g = await loadCodec({ ...untrainedModels(3, 'g420'), backend: 'wasm' });
  const img = { data: new Uint8Array(37 * 22 * 3).map((_, i) => (i * 7) % 251), width: 37, height: 22, channels: 3 };
  const png = await g.encode(img, { quality: 60 });
  const c = parseContainer(png, 1e7);
  assert.is(c.layout, 'g420');
  assert.is(c.header.flags, FLAG_G420);
  const out = await g.decode(png);
  assert.equal([out.width, out.height], [37, 22]);
  await assert.not.throws(() => parseContainer(png, 1e7));
  await loadCodec({ ...untrainedModels(3, 'xyz' as CodeLayout), backend: 'wasm' }).then(
    () => assert.unreachable('unknown layout accepted'),
    (e) => assert.match((e as Error).message, /unknown code layout/),
  );
  g.dispose();
});

test.run();

test('g420 luma only: the c1 plane alone, one bit per sample at M = 1, c0 = c2 = c1 on decode', () => {
  const h = 5, w = 7, code = gridCode(h, w, true);
  const [v] = codeToPlanes('g420', code, h, w, delta, true);
  assert.is(v.flags, FLAG_G420 | FLAG_LUMA_ONLY);
  assert.equal(planeSize('g420', h, w, true), { width: 8, height: 5 });
  assert.equal([v.width, v.height, v.maxSample], [8, 5, M]);
  const out = planesToCode(v.flags, v, h, w, delta);
  for (let p = 0; p < h * w; p++) {
    assert.is(out[p * 3 + 1], Math.min(M, Math.round(code[p * 3 + 1] / delta)) * delta);
    assert.is(out[p * 3], out[p * 3 + 1]);
    assert.is(out[p * 3 + 2], out[p * 3 + 1]);
  }
  assert.is(maxSample(v.flags, 180), 1); // the bottom of a [180, 2] range: a 1-bit PNG
  assert.throws(() => planesToCode(v.flags, { ...v, samples: v.samples.map(() => M + 1) }, h, w, delta), /out of range/);
});
