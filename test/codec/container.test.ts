// The bitstream: PNG chunk writer/reader, the fcHd header, and the codec's refusal of bad files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { planeSize } from '../../host/codec/layout.ts';
import { PNG } from 'pngjs';
import { CodecError, crc32, readPng, writePng } from '../../host/codec/png.ts';
import { CHROMA_BYTES } from '../../host/codec/chroma.ts';
import { decodeHeader, deltaForQuality, encodeHeader, fnv1a, HEADER_BYTES, loadCodec, pairHash, parseContainer, type Codec } from '../../host/codec/codec.ts';
import { loadModel } from '../../host/format/model.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { rng } from '../backends/harness.ts';
import { untrainedModels } from './helpers.ts';

const sample = decodeImage(readFileSync(new URL('../../samples/Martha_Burk_0001.png', import.meta.url)));
let codec: Codec;
const models = untrainedModels();

test.before(async () => {
  codec = await loadCodec({ ...models, backend: 'wasm' });
});
test.after(() => codec.dispose());

test('PNG writer/reader round trip at every bit depth; pngjs reads our files', () => {
  const r = rng(3);
  for (const depth of [1, 2, 4, 8]) {
    const width = 13, height = 7;
    const samples = Uint8Array.from({ length: width * height }, () => Math.floor(r() * 2 ** depth));
    const bytes = writePng({ width, height, depth, samples }, [{ type: 'fcHd', data: new Uint8Array([1, 2, 3]) }]);
    const back = readPng(bytes, { maxSamples: 1000 });
    assert.equal(Array.from(back.image.samples), Array.from(samples));
    assert.equal(back.chunks.map((c) => c.type), ['fcHd']);
    const std = PNG.sync.read(Buffer.from(bytes)); // a standard reader opens it
    assert.is(std.width, width);
    const scale = 255 / (2 ** depth - 1);
    for (let i = 0; i < samples.length; i++) assert.is(std.data[i * 4], Math.round(samples[i] * scale));
  }
  assert.is(crc32(new TextEncoder().encode('IEND')), 0xae426082);
});

test('header round trip (version 2, size completed from the PNG); version 1 still read; quality maps to a step', () => {
  for (const [flags, layout, luma] of [[2, 'g420', false], [6, 'g420', true], [0, 'rgb', false], [1, 'rgb', false]] as const)
    for (let width = 1; width <= 40; width++)
      for (const height of [1, 2, 3, 4, 5, 7, 8, 9, 150, 151, 152, 153]) {
        const h = { flags, modelId: 4, weightsHash: 0xdeadbeef, quality: 77, width, height };
        const png = planeSize(layout, Math.ceil(height / 4), Math.ceil(width / 4), luma);
        const back = decodeHeader(encodeHeader(h), png, 4);
        assert.equal(back, { ...h, version: 2, weightsHash: 0xef, hashBits: 8 });
      }
  const h = { flags: 2, modelId: 1, weightsHash: 0xdeadbeef, quality: 77, width: 150, height: 151 };
  assert.is(encodeHeader(h).length, HEADER_BYTES);
  const png = { width: 38, height: 57 };
  assert.throws(() => decodeHeader(encodeHeader({ ...h, flags: 3 }), png, 4), /unknown header flags/);
  for (const flags of [4, 5, 7, 8]) assert.throws(() => decodeHeader(encodeHeader({ ...h, flags }), png, 4), /unknown header flags/); // luma only needs g420
  assert.throws(() => decodeHeader(encodeHeader({ ...h, quality: 0 }), png, 4), /quality 0/);
  assert.throws(() => decodeHeader(encodeHeader(h), { width: 38, height: 58 }, 4), /possible sizes/);
  assert.throws(() => decodeHeader(Uint8Array.from([0x30, 1, 1, 0, 0]), png, 4), /unsupported facecodec header/);
  assert.throws(() => decodeHeader(Uint8Array.from([0x22, 1, 1, 0x80, 0]), png, 4), /reserved/);
  // Luma-only files carry chroma cells (bit 6 of byte 3, CHROMA_BYTES more); no other file may.
  const chroma = Uint8Array.from({ length: CHROMA_BYTES }, (_, i) => i * 29 + 3);
  const luma = { ...h, flags: 6, height: 150 }, lumaPng = { width: 38, height: 38 };
  const withCells = encodeHeader({ ...luma, chroma });
  assert.is(withCells.length, HEADER_BYTES + CHROMA_BYTES);
  assert.equal(Array.from(decodeHeader(withCells, lumaPng, 4).chroma!), Array.from(chroma));
  assert.is(decodeHeader(encodeHeader(luma), lumaPng, 4).chroma, undefined);
  assert.throws(() => decodeHeader(encodeHeader({ ...h, chroma }), png, 4), /chroma cells in a file that stores all planes/);
  assert.throws(() => decodeHeader(withCells.slice(0, -1), lumaPng, 4), /13-byte header with chroma cells/);
  assert.throws(() => decodeHeader(Uint8Array.from([...encodeHeader(luma), 0]), lumaPng, 4), /6-byte header without chroma cells/);
  assert.throws(() => encodeHeader({ ...luma, chroma: new Uint8Array(4) }), /chroma cells must be/);
  // Version 1: 12 bytes, the full size and hash stored.
  const v1 = Uint8Array.from([1, 2, 3, 0xde, 0xad, 0xbe, 0xef, 50, 0, 150, 0, 151]);
  assert.equal(decodeHeader(v1, png, 4), { version: 1, flags: 2, modelId: 3, weightsHash: 0xdeadbeef, hashBits: 32, quality: 50, width: 150, height: 151 });
  assert.ok(Math.abs(deltaForQuality(1) - 128) < 1e-9 && Math.abs(deltaForQuality(100) - 2) < 1e-9);
  assert.throws(() => deltaForQuality(0), /quality/);
  assert.throws(() => deltaForQuality(101), /quality/);
});

test('files written by the version-1 container (models v1 and v3 as released) still decode, pixels pinned (F16 re-store: within 1 level of the F32 release, bench/results/f16-fidelity.md)', async () => {
  const dir = new URL('../fixtures/container-v1/', import.meta.url);
  const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Array<{ file: string; model: number; quality: number; bytes: number; decodedSha256: string }>;
  for (const e of expected) {
    const file = new Uint8Array(readFileSync(new URL(e.file, dir)));
    assert.is(file.length, e.bytes);
    assert.is(parseContainer(file, 1e7).header.version, 1);
    const shipped = await loadCodec({ backend: 'wasm', modelId: e.model });
    const out = await shipped.decode(file);
    shipped.dispose();
    assert.is(createHash('sha256').update(out.data).digest('hex'), e.decodedSha256, e.file);
    assert.is(out.width, 150);
  }
});

test('a pair re-stored in F16 keeps the hash it was released with; a pair that disagrees is refused', async () => {
  const read = (k: string, name: string) => new Uint8Array(readFileSync(new URL(`../../weights/${k}-${name}.safetensors`, import.meta.url)));
  const [cb, rb] = [read('compnet', 'v4'), read('recnet', 'v4')];
  const [comp, rec] = [loadModel(cb), loadModel(rb)];
  assert.ok([...comp.weights.values()].some((w) => w.dtype === 'F16'));
  // v4's files (the luma-only fixtures, the effort packs) carry 4ad2f20c, the hash of the F32 release.
  assert.is(pairHash(comp, rec, cb, rb), 0x4ad2f20c);
  const v6 = [read('compnet', 'v6'), read('recnet', 'v6')];
  assert.is(pairHash(loadModel(v6[0]), loadModel(v6[1]), v6[0], v6[1]), fnv1a(v6[0], v6[1]), 'a pair without a declared hash is hashed as it is');
  assert.throws(() => pairHash(comp, loadModel(v6[1]), cb, v6[1]), /different or malformed weights_hash/);
});

test('encode -> decode keeps the size; odd sizes are padded and cropped; container overhead is small', async () => {
  for (const [w, h] of [[150, 150], [37, 22]]) {
    const img = { data: sample.data.slice(0, w * h * 4), width: w, height: h, channels: 4 };
    const png = await codec.encode(img, { quality: 50 });
    const out = await codec.decode(png);
    assert.equal([out.width, out.height, out.channels], [w, h, 3]);
    const { header, depth } = parseContainer(png, 1e7);
    assert.is(header.quality, 50);
    assert.ok(depth <= 8);
  }
  const low = await codec.encode(sample, { quality: 1 }), high = await codec.encode(sample, { quality: 100 });
  assert.ok(low.length < high.length, `quality 1 (${low.length} B) smaller than quality 100 (${high.length} B)`);
});

test('foreign, corrupt, mismatched and oversized files are clear errors', async () => {
  const good = await codec.encode(sample, { quality: 40 });
  const expectError = async (bytes: Uint8Array, pattern: RegExp) => {
    try {
      await codec.decode(bytes);
      assert.unreachable(`accepted: expected ${pattern}`);
    } catch (e) {
      assert.instance(e, CodecError, (e as Error).stack);
      assert.match((e as Error).message, pattern);
    }
  };
  await expectError(readFileSync(new URL('../../samples/Martha_Burk_0001.png', import.meta.url)), /not a facecodec PNG/);
  await expectError(new TextEncoder().encode('hello'), /not a PNG/);
  await expectError(good.subarray(0, good.length - 5), /truncated/);
  const badCrc = good.slice();
  badCrc[good.length - 20] ^= 1;
  await expectError(badCrc, /CRC mismatch/);
  const other = await loadCodec({ ...untrainedModels(9), backend: 'wasm' });
  await expectError(await other.encode(sample), /different weights/);
  other.dispose();
  const small = await loadCodec({ ...models, backend: 'wasm', maxPixels: 100 * 100 });
  try {
    await small.decode(good);
    assert.unreachable('size limit not enforced');
  } catch (e) {
    assert.match((e as Error).message, /over the limit/);
  }
  small.dispose();
});

test('fuzz: 2,000 mutated files each decode or fail with a CodecError', async () => {
  const r = rng(11);
  const seeds = await Promise.all([10, 50, 90].map((q) => codec.encode(sample, { quality: q })));
  let decoded = 0, refused = 0;
  for (let i = 0; i < 2000; i++) {
    const src = seeds[i % seeds.length];
    let b: Uint8Array = src.slice();
    const kind = i % 4;
    if (kind === 0) for (let k = 0; k < 1 + Math.floor(r() * 4); k++) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
    else if (kind === 1) b = b.subarray(0, Math.floor(r() * b.length));
    else if (kind === 2) {
      // Edit inside a chunk and fix its CRC, so the parser's later checks get exercised.
      const at = 8 + Math.floor(r() * (b.length - 20));
      b[at] = Math.floor(r() * 256);
      fixCrcs(b);
    } else {
      // Chunk-level edits: duplicate, drop or reorder a chunk.
      b = editChunks(src, r);
    }
    try {
      const out = await codec.decode(b);
      assert.ok(out.width >= 1 && out.data.length === out.width * out.height * 3);
      decoded++;
    } catch (e) {
      if (!(e instanceof CodecError)) throw new Error(`mutation ${i} (kind ${kind}) threw ${(e as Error).stack}`);
      refused++;
    }
  }
  assert.is(decoded + refused, 2000);
  assert.ok(refused > 1000, `refused ${refused}`);
});

function chunksOf(b: Uint8Array): Array<[number, number]> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Array<[number, number]> = [];
  let pos = 8;
  while (pos + 12 <= b.length) {
    const len = dv.getUint32(pos);
    if (pos + 12 + len > b.length) break;
    out.push([pos, 12 + len]);
    pos += 12 + len;
  }
  return out;
}

function fixCrcs(b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const [pos, len] of chunksOf(b)) dv.setUint32(pos + len - 4, crc32(b, pos + 4, pos + len - 4));
}

function editChunks(src: Uint8Array, r: () => number): Uint8Array {
  const cs = chunksOf(src).map(([p, l]) => src.subarray(p, p + l));
  const i = Math.floor(r() * cs.length);
  const op = Math.floor(r() * 3);
  if (op === 0) cs.splice(i, 0, cs[i]);
  else if (op === 1) cs.splice(i, 1);
  else {
    const j = Math.floor(r() * cs.length);
    [cs[i], cs[j]] = [cs[j], cs[i]];
  }
  const out = new Uint8Array(8 + cs.reduce((a, c) => a + c.length, 0));
  out.set(src.subarray(0, 8));
  let pos = 8;
  for (const c of cs) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

test.run();
