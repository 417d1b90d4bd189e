// Quantisation in the training loop (host/train/code-noise.ts): the simulated layouts agree with the
// encoder's, and their backward passes (with the rate term) match finite differences: each layout at an
// even size, g420 at an odd one (its edge blocks average fewer samples), and the pooled tier.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noisyCode, rateOfPlanes, rateTerm, roundedCode } from '../../host/train/code-noise.ts';
import { codeToPlanes, planesToCode } from '../../host/codec/layout.ts';

const lcg = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

test('rate proxy counts log2(1 + |step difference|) along rows', () => {
  // One 2x2 code, 3 channels; delta 10. Channel 0 rows differ by 30 (q diff 3 -> 2 bits), others flat.
  const data = Float32Array.from([0, 5, 5, 30, 5, 5, 10, 5, 5, 40, 5, 5]);
  const g = new Float32Array(12);
  const bits = rateTerm({ data, h: 2, w: 2, ch: 3 }, [10], 1, g);
  assert.ok(Math.abs(bits - (2 + 2) / 12) < 1e-6, `bits ${bits}`);
  assert.ok(g[0] < 0 && g[3] > 0 && g[1] === 0, 'gradient pushes the pair together');
});

test('with zero noise, g420 in the loop gives what the encoder + decoder give on the grid', () => {
  // Values on the quantiser grid with block-flat differences: rounding is exact, so noise 0 must match.
  const h = 4, w = 6, delta = 8, code = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) code.set([(10 + x + (y >> 1)) * delta, (9 + x) * delta, (8 + x - (x >> 1)) * delta], (y * w + x) * 3);
  const sim = noisyCode('g420', code, 1, h, w, [delta], () => 0.5);
  const [planes] = codeToPlanes('g420', code, h, w, delta);
  assert.equal([...sim.input], [...planesToCode(planes.flags, planes, h, w, delta)]);
});

const CASES = [
  { name: 'rgb', layout: 'rgb', h: 4, w: 6, pooled: false },
  { name: 'g420', layout: 'g420', h: 4, w: 6, pooled: false },
  { name: 'g420 at an odd size', layout: 'g420', h: 5, w: 7, pooled: false },
  { name: 'g420 pooled (odd size)', layout: 'g420', h: 7, w: 9, pooled: true },
] as const;

for (const { name, layout, h, w, pooled } of CASES)
  test(`${name}: rounded quantisation feeds RecNet exactly what the decoder restores, per image at its own step, with the straight-through backward`, () => {
    const n = 2, deltas = [128, 5], per = h * w * 3;
    const rnd = lcg(7);
    const code = Float32Array.from({ length: n * per }, () => 255 * rnd());
    const q = roundedCode(layout, code, n, h, w, deltas, [], pooled);
    for (let b = 0; b < n; b++) {
      const [planes] = codeToPlanes(layout, code.subarray(b * per, (b + 1) * per), h, w, deltas[b], false, pooled);
      assert.equal([...q.input.subarray(b * per, (b + 1) * per)], [...planesToCode(planes.flags, planes, h, w, deltas[b])]);
    }
    assert.ok(q.input.some((v, i) => v !== code[i]), 'the code is really rounded');
    // Straight through: the same linear backward pass as the zero-noise simulation.
    const g = Float32Array.from({ length: n * per }, () => rnd() - 0.5);
    assert.equal([...q.backward(g)], [...noisyCode(layout, code, n, h, w, deltas, () => 0.5, [], pooled).backward(g)]);
  });

test('g420 luma only (per image): RecNet sees what the decoder restores, and c0, c2 get no gradient', () => {
  const n = 2, h = 4, w = 6, deltas = [180, 5], luma = [true, false], per = h * w * 3;
  const rnd = lcg(5);
  const code = Float32Array.from({ length: n * per }, () => 255 * rnd());
  const q = roundedCode('g420', code, n, h, w, deltas, luma);
  for (let b = 0; b < n; b++) {
    const [planes] = codeToPlanes('g420', code.subarray(b * per, (b + 1) * per), h, w, deltas[b], luma[b]);
    assert.equal([...q.input.subarray(b * per, (b + 1) * per)], [...planesToCode(planes.flags, planes, h, w, deltas[b])]);
  }
  const noisy = noisyCode('g420', code, n, h, w, deltas, lcg(3), luma);
  for (let p = 0; p < h * w; p++) assert.ok(noisy.input[p * 3] === noisy.input[p * 3 + 1] && noisy.input[p * 3 + 2] === noisy.input[p * 3 + 1]);
  const g = noisy.backward(Float32Array.from({ length: n * per }, () => rnd() - 0.5));
  for (let p = 0; p < h * w; p++) assert.ok(g[p * 3] === 0 && g[p * 3 + 2] === 0 && g[p * 3 + 1] !== 0);
  assert.ok(g.subarray(per).some((v, i) => i % 3 === 0 && v !== 0), 'the other image keeps its chroma gradient');
});

for (const { name, layout, h, w, pooled } of CASES)
  test(`${name}: backward through the simulated quantiser and the rate term matches finite differences`, () => {
    const n = 2, deltas = [4, 16], mu = 0.3;
    const rnd = lcg(11);
    const code = Float32Array.from({ length: n * h * w * 3 }, () => 255 * rnd());
    const r = Float32Array.from({ length: code.length }, () => rnd() - 0.5);
    const loss = (c: Float32Array) => {
      const q = noisyCode(layout, c, n, h, w, deltas, lcg(99), [], pooled);
      let l = 0;
      for (let i = 0; i < r.length; i++) l += r[i] * q.input[i];
      return l + rateOfPlanes(q.planes, deltas, mu).bits * mu;
    };
    const q = noisyCode(layout, code, n, h, w, deltas, lcg(99), [], pooled);
    const g = q.backward(r, rateOfPlanes(q.planes, deltas, mu).grads);
    for (let i = 0; i < code.length; i += 5) {
      const e = 0.1, a = code.slice(), b = code.slice(); // large enough that Float32 rounding of the values stays small against it
      a[i] += e;
      b[i] -= e;
      const fd = (loss(a) - loss(b)) / (2 * e);
      assert.ok(Math.abs(fd - g[i]) < 2e-3 * Math.max(1, Math.abs(fd)), `element ${i}: fd ${fd} vs ${g[i]}`);
    }
  });

test.run();
