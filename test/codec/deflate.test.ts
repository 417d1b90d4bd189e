// The small-payload deflate encoder: every stream inflates back exactly (node's zlib and fflate, the
// reader's inflater), is never larger than fflate's level 9 on the codec's kind of data, and the
// length-limited Huffman code lengths satisfy Kraft's inequality with equality.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inflateSync } from 'node:zlib';
import { unzlibSync, inflateSync as inflateRaw, zlibSync } from 'fflate';
import { deflateSmall, limitedLengths, zlibSmall } from '../../host/codec/deflate.ts';
import { rng } from '../backends/harness.ts';

/** Data with the codec's character: a small alphabet, runs and repeats at short distances. */
function sampleData(r: () => number, n: number, alphabet: number, repeat: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = i > 12 && r() < repeat ? d[i - 1 - Math.floor(r() * 12)] : Math.floor(r() * alphabet);
  return d;
}

test('round trip through two inflaters: sizes 0..3000, alphabets 1..256, with and without block splits', () => {
  const r = rng(5);
  for (let t = 0; t < 160; t++) {
    const n = t < 6 ? t : Math.floor(r() * 3000);
    const data = sampleData(r, n, 1 + Math.floor(r() * (r() < 0.5 ? 5 : 256)), r() * 0.9);
    const splits = [[n >> 1], [n >> 2, (3 * n) >> 2]];
    const z = zlibSmall(data, { iterations: 3, splits });
    assert.equal(new Uint8Array(inflateSync(z)), data, `case ${t} (zlib)`);
    assert.equal(unzlibSync(z), data, `case ${t} (fflate)`);
    assert.equal(inflateRaw(deflateSmall(data, { iterations: 1 })), data, `case ${t} (raw)`);
  }
});

test('incompressible data falls back to a stored block (5 bytes of framing)', () => {
  const r = rng(8);
  const data = Uint8Array.from({ length: 500 }, () => Math.floor(r() * 256));
  const raw = deflateSmall(data);
  assert.is(raw.length, data.length + 5);
  assert.equal(inflateRaw(raw), data);
});

test('smaller than fflate level 9 on code-like data', () => {
  const r = rng(9);
  let ours = 0, fflate = 0;
  for (let t = 0; t < 20; t++) {
    const data = sampleData(r, 400 + Math.floor(r() * 1200), 3 + Math.floor(r() * 12), 0.5);
    ours += zlibSmall(data).length;
    fflate += zlibSync(data, { level: 9 }).length;
  }
  assert.ok(ours < fflate * 0.97, `ours ${ours} vs fflate ${fflate}`);
});

test('length-limited code lengths: complete prefix codes within the limit', () => {
  const r = rng(2);
  for (let t = 0; t < 50; t++) {
    const n = t < 25 ? 2 + Math.floor(r() * 18) : 2 + Math.floor(r() * 285);
    // Skewed (Fibonacci-like) counts force lengths past the limit without it.
    const freq = Array.from({ length: n }, (_, i) => (r() < 0.2 ? 0 : t % 2 ? Math.round(1.6 ** Math.min(i, 40)) : 1 + Math.floor(r() * 100)));
    freq[0] = freq[1] = 1;
    for (const limit of n <= 19 ? [7, 15] : [15]) { // 7 bits: the code-length alphabet (19 symbols)
      const lengths = limitedLengths(freq, limit);
      let kraft = 0;
      lengths.forEach((l, s) => {
        assert.ok(l <= limit);
        assert.is(l > 0, freq[s] > 0);
        if (l) kraft += 2 ** -l;
      });
      if (freq.filter((f) => f > 0).length >= 2) assert.ok(Math.abs(kraft - 1) < 1e-12, `Kraft sum ${kraft}`);
    }
  }
});

test.run();
