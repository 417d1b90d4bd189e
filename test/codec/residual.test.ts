// The residual tier (host/codec/residual.ts): the fcRs chunk's round trip and strict reading, and the
// shipped model's files at the tier's qualities: every one round-trips, quality 100 restores the
// bundled samples at >= 38 dB, and bytes and PSNR grow with quality across the tier's threshold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { zlibSync } from 'fflate';
import { CodecError, withChunkAtEnd } from '../../host/codec/png.ts';
import { loadCodec, parseContainer, residualTierAt, RESIDUAL_CHUNK, type Codec } from '../../host/codec/codec.ts';
import { DEAD_ZONE, decodeResidual, encodeResidual, maxResidualBytes } from '../../host/codec/residual.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { toRgbFloat, type Image } from '../../host/image/image.ts';
import { rng } from '../backends/harness.ts';
import { untrainedModels } from './helpers.ts';

const dir = new URL('../../samples/', import.meta.url);
const samples = readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => decodeImage(readFileSync(new URL(f, dir))));

function psnr(a: Image, b: { data: Uint8Array }): number {
  const x = toRgbFloat(a);
  let se = 0;
  for (let i = 0; i < x.length; i++) se += (x[i] - b.data[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / x.length));
}

/** The file without its fcRs chunk. */
function withoutResidual(file: Uint8Array): Uint8Array {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const parts: Uint8Array[] = [file.subarray(0, 8)];
  for (let pos = 8; pos < file.length; ) {
    const end = pos + 12 + dv.getUint32(pos);
    if (String.fromCharCode(...file.subarray(pos + 4, pos + 8)) !== RESIDUAL_CHUNK) parts.push(file.subarray(pos, end));
    pos = end;
  }
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

test('fcRs round trip: at full chroma resolution every channel is within the steps of the quantiser', () => {
  const r = rng(7);
  for (const [width, height] of [[1, 1], [7, 5], [33, 20]]) {
    const original = Float32Array.from({ length: width * height * 3 }, () => Math.floor(r() * 256));
    const restored = Float32Array.from(original, (v) => v + (r() - 0.5) * 80);
    const steps = { luma: 3, chroma: 2.5 };
    for (const halfChroma of [false, true]) {
      const data = encodeResidual({ original, restored, width, height, stride: width, steps, quality: 97, halfChroma });
      const { info, rgb } = decodeResidual(data, width, height);
      assert.equal([info.luma, info.chroma, info.quality, info.halfChroma], [3, 2.5, 97, halfChroma]);
      let worst = 0, before = 0, after = 0;
      for (let i = 0; i < rgb.length; i++) {
        worst = Math.max(worst, Math.abs(restored[i] + rgb[i] - original[i]));
        before += (restored[i] - original[i]) ** 2;
        after += (restored[i] + rgb[i] - original[i]) ** 2;
      }
      if (!halfChroma) assert.ok(worst <= (0.5 + DEAD_ZONE) * (steps.luma + 2 * steps.chroma) + 1e-4, `error ${worst}`);
      assert.ok(after < before * (halfChroma ? 0.6 : 0.25), `squared error ${before} -> ${after}`); // half: 3/4 of the chroma noise stays
    }
  }
});

test('fcRs: a corrupt, truncated or oversized chunk is a CodecError naming it', () => {
  const width = 9, height = 6;
  const original = new Float32Array(width * height * 3).fill(100), restored = new Float32Array(width * height * 3).fill(90);
  const good = encodeResidual({ original, restored, width, height, stride: width, steps: { luma: 2, chroma: 2 }, quality: 99 });
  const bad = (mutate: (d: Uint8Array) => Uint8Array, why: RegExp) => assert.throws(() => decodeResidual(mutate(good.slice()), width, height), (e: Error) => e instanceof CodecError && why.test(e.message) && e.message.includes(RESIDUAL_CHUNK));
  bad((d) => d.subarray(0, 5), /too short/);
  bad((d) => d.subarray(0, d.length - 2), /fcRs chunk: corrupt PNG/);
  bad((d) => ((d[0] = 0x20 | (d[0] & 15)), d), /version 2/);
  bad((d) => ((d[0] |= 8), d), /unknown fcRs flags/);
  bad((d) => ((d[1] = 0), d), /zero step/);
  bad((d) => ((d[3] = 101), d), /quality 101 is out of range/);
  bad((d) => ((d[d.length - 1] ^= 1), d), /checksum/);
  bad(() => Uint8Array.from([0x13, 4, 4, 99, ...zlibSync(new Uint8Array(10))]), /inflates to/);
  bad(() => new Uint8Array(maxResidualBytes(width, height) + 1).fill(0x13), /over the \d+ a 9x6 residual can need/);
  assert.throws(() => decodeResidual(good, 1500, 1500), /fcRs chunk is \d+ bytes, too short for a 1500x1500 residual/);
});

let codec: Codec;
test.before(async () => {
  codec = await loadCodec({ backend: 'wasm' });
});
test.after(() => codec.dispose());

test('shipped model: every residual-tier quality round-trips and carries fcRs; below the tier, none', async () => {
  const { from } = codec.contract.residual;
  assert.ok(from > 1 && from <= 100, `tier from ${from}`);
  for (let q = from - 1; q <= 100; q++) {
    const file = await codec.encode(samples[0], { quality: q });
    const c = parseContainer(file, {}, codec.contract);
    const tier = residualTierAt(codec.contract, q);
    assert.equal(c.residual && { codeQuality: c.header.quality, luma: c.residual.info.luma, chroma: c.residual.info.chroma }, tier, `quality ${q}`);
    assert.is(c.residual?.info.quality ?? c.header.quality, q);
    const out = await codec.decode(file);
    assert.equal([out.width, out.height], [samples[0].width, samples[0].height]);
    if (tier) assert.ok(psnr(samples[0], out) > psnr(samples[0], await codec.decode(withoutResidual(file))), `quality ${q}: the residual does not help`);
  }
});

// The target (issue #17) is PSNR >= 38 dB at the top, a mean: v4 gives 38.46 dB on 64 View 1 chips,
// the worst 37.61 (bench/residual.ts); v3 gave 38.8, the worst 37.8.
test('shipped model: quality 100 >= 38 dB on average over the samples, none below 37.5; bytes grow with quality across the threshold, PSNR from it on (below the tier it is capped and flat)', async () => {
  const { from } = codec.contract.residual;
  let last = { bytes: 0, psnr: 0 };
  for (const q of [from - 5, from - 1, from, from + 1, Math.round((from + 100) / 2), 99, 100]) {
    const files = await codec.encodeBatch(samples, { quality: q });
    const out = await codec.decodeBatch(files);
    const bytes = files.reduce((a, f) => a + f.length, 0), p = out.map((o, k) => psnr(samples[k], o));
    const mean = p.reduce((a, b) => a + b, 0) / p.length;
    assert.ok(bytes > last.bytes && (q < from || mean > last.psnr), `quality ${q}: ${bytes} bytes, ${mean.toFixed(2)} dB after ${last.bytes}, ${last.psnr.toFixed(2)}`);
    last = { bytes, psnr: mean };
    if (q === 100) {
      assert.ok(mean >= 38, `mean ${mean.toFixed(2)} dB at quality 100`);
      p.forEach((v, k) => assert.ok(v >= 37.5, `sample ${k}: ${v.toFixed(2)} dB at quality 100`));
    }
  }
});

test('encode effort at a residual-tier quality: the residual is taken after the refinement; a second fcRs chunk is refused', async () => {
  const c = await loadCodec({ ...untrainedModels(3, 'g420'), backend: 'wasm' });
  const s = samples[0], small = { data: s.data.slice(0, 40 * 24 * s.channels), width: 40, height: 24, channels: s.channels };
  const file = await c.encode(small, { quality: 100, effort: 1 });
  const out = await c.decode(file), plain = await c.decode(withoutResidual(file));
  assert.ok(psnr(small, out) > psnr(small, plain) + 10, `${psnr(small, plain).toFixed(2)} -> ${psnr(small, out).toFixed(2)} dB`);
  const rs = readChunk(file, RESIDUAL_CHUNK);
  assert.throws(() => parseContainer(withChunkAtEnd(file, { type: RESIDUAL_CHUNK, data: rs }), {}, c.contract), /2 fcRs chunks/);
  c.dispose();
});

function readChunk(file: Uint8Array, type: string): Uint8Array {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let pos = 8; pos < file.length; pos += 12 + dv.getUint32(pos)) if (String.fromCharCode(...file.subarray(pos + 4, pos + 8)) === type) return file.slice(pos + 8, pos + 8 + dv.getUint32(pos));
  throw new Error(`no ${type}`);
}

test.run();
