// Property-based fuzzing of the codec's strict PNG reader (readPng) and container (parseContainer):
// structure-aware files (valid chunks and zlib streams, then one mutation), checked against pngjs
// where the file is valid; containers may carry the residual chunk fcRs (valid or not). Invariants:
// only CodecError, never over the time limit, never an image or a residual of the wrong size, and a
// valid file reads back exactly what pngjs reads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import { PNG } from 'pngjs';
import { zlibSync } from 'fflate';
import { CodecError, readPng, writePng } from '../../host/codec/png.ts';
import { encodeHeader, parseContainer, HEADER_CHUNK, FORMAT_VERSION, HEADER_BYTES } from '../../host/codec/codec.ts';
import { planeSize, layoutOf } from '../../host/codec/layout.ts';
import { encodeResidual, RESIDUAL_CHUNK } from '../../host/codec/residual.ts';
import { check, only } from './config.ts';
import { chunksOf, fileOf, ihdr, mutate, mutation, pngSpec, type PngSpec } from './png-arb.ts';

/** True when the spec, unmutated, is a file the reader must accept. */
const acceptable = (s: PngSpec) =>
  s.excess === 0 && s.color === 0 && s.depth <= 8 && s.methods.every((m) => m === 0) &&
  Array.from({ length: s.height }, (_, y) => s.raw[y * (s.raw.length / s.height)]).every((f) => f <= 4);

/** pngjs's reading of a file, or undefined where pngjs refuses a malformed ancillary chunk we skip (a gAMA not 4 bytes long). */
function pngjs(bytes: Uint8Array, spec: PngSpec) {
  try {
    return PNG.sync.read(Buffer.from(bytes));
  } catch (e) {
    if (spec.extra.some((c) => c.type === 'gAMA' && c.data.length !== 4)) return undefined;
    throw e;
  }
}

test('readPng: any mutated grayscale PNG gives CodecError or an image of the declared size', () => {
  check(
    'readPng',
    fc.property(pngSpec([0, 0, 0, 2, 3]), mutation, fc.integer({ min: 1, max: 1000 }), (spec, m, maxSamples) => {
      const bytes = mutate(chunksOf(spec), m);
      const out = only([CodecError], () => readPng(bytes, { maxSamples, maxChunks: 8 }));
      if (!out) return;
      const { width, height, depth, samples } = out.image;
      assert.is(samples.length, width * height);
      assert.ok(width * height <= maxSamples);
      assert.ok(samples.every((v) => v < 2 ** depth));
      if (m.kind === 'none') {
        assert.ok(acceptable(spec), 'accepted a file it should refuse');
        assert.equal([width, height], [spec.width, spec.height]);
        const std = pngjs(bytes, spec);
        if (!std) return;
        const scale = 255 / (2 ** depth - 1);
        for (let i = 0; i < samples.length; i++) if (Math.round(samples[i] * scale) !== std.data[i * 4]) assert.unreachable(`sample ${i} differs from pngjs`);
      }
    }),
    1000,
  );
});

test('readPng: every valid file is accepted; every excess or shortfall of image data is refused', () => {
  check(
    'readPng valid/excess',
    fc.property(pngSpec([0]), (spec) => {
      const bytes = fileOf(chunksOf(spec));
      const ok = acceptable(spec) && spec.width * spec.height <= 4096;
      const out = only([CodecError], () => readPng(bytes, { maxSamples: 4096 }));
      assert.is(!!out, ok, `${ok ? 'refused' : 'accepted'}: ${spec.width}x${spec.height} depth ${spec.depth} excess ${spec.excess}`);
    }),
    600,
  );
});

test('readPng: a decompression bomb is refused without inflating it (50 MB of image data for a 4x4 image)', () => {
  const bomb = zlibSync(new Uint8Array(50_000_000), { level: 9 });
  const bytes = fileOf([{ type: 'IHDR', data: ihdr(4, 4, 8, 0) }, { type: 'IDAT', data: bomb }, { type: 'IEND', data: new Uint8Array(0) }]);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => only([], () => readPng(bytes, { maxSamples: 100 })), /inflates to more than the 20 bytes/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 8e6, 'inflated far past the limit');
});

test('readPng: per-call limits on file bytes and chunk count', () => {
  const spec = { width: 3, height: 2, depth: 8, samples: new Uint8Array(6) };
  const bytes = writePng(spec, [{ type: 'tEXt', data: new Uint8Array(3) }]);
  assert.throws(() => readPng(bytes, { maxSamples: 100, maxFileBytes: bytes.length - 1 }), /over the limit of \d+ bytes/);
  assert.ok(readPng(bytes, { maxSamples: 100, maxFileBytes: bytes.length }));
  assert.throws(() => readPng(bytes, { maxSamples: 100, maxChunks: 3 }), /more than 3 chunks/);
  assert.ok(readPng(bytes, { maxSamples: 100, maxChunks: 4 }));
});

/** A facecodec container: a header (mostly valid fields) and a stored image of the right or a wrong size. */
const container = fc
  .record({
    flags: fc.constantFrom(0, 1, 2, 2, 3, 4),
    quality: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, 101, 255)),
    width: fc.integer({ min: 1, max: 40 }),
    height: fc.integer({ min: 1, max: 40 }),
    version: fc.oneof({ weight: 9, arbitrary: fc.constant(FORMAT_VERSION) }, { weight: 1, arbitrary: fc.nat(15) }),
    sizeOff: fc.oneof({ weight: 4, arbitrary: fc.constant([0, 0]) }, { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 })) }),
    depth: fc.constantFrom(1, 2, 4, 8),
    seed: fc.integer(),
    headers: fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(0, 2) }),
    headerLen: fc.oneof({ weight: 9, arbitrary: fc.constant(HEADER_BYTES) }, { weight: 1, arbitrary: fc.nat(20) }),
    // The residual chunk (fcRs): none, a valid one for the declared size, or one of random bytes.
    residual: fc.oneof({ weight: 4, arbitrary: fc.constant('none' as const) }, { weight: 4, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) }),
  })
  .map((r) => {
    const { width, height } = planeSize(layoutOf(r.flags), Math.ceil(r.height / 4), Math.ceil(r.width / 4));
    const w = Math.max(1, width + r.sizeOff[0]), h = Math.max(1, height + r.sizeOff[1]);
    let x = r.seed >>> 0;
    const samples = Uint8Array.from({ length: w * h }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) % 2 ** r.depth);
    const full = encodeHeader({ flags: r.flags, modelId: 3, weightsHash: 1, quality: r.quality & 255, width: r.width, height: r.height });
    full[0] = ((r.version << 4) | r.flags) & 255;
    const header = full.subarray(0, r.headerLen);
    const hd = Array.from({ length: r.headers }, () => ({ type: HEADER_CHUNK, data: header }));
    const n = r.width * r.height * 3;
    const rs = r.residual === 'none' ? [] : [{ type: RESIDUAL_CHUNK, data: r.residual === 'valid' ? encodeResidual({ original: Float32Array.from({ length: n }, (_, i) => (i * 37) % 256), restored: new Float32Array(n).fill(128), width: r.width, height: r.height, stride: r.width, steps: { luma: 2, chroma: 3 }, quality: 99 }) : r.residual }];
    return { bytes: writePng({ width: w, height: h, depth: r.depth, samples }, [...hd, ...rs]), r };
  });

test('parseContainer: any container gives CodecError or a code of the declared size', () => {
  check(
    'parseContainer',
    fc.property(container, mutation, ({ bytes, r }, m) => {
      const file = m.kind === 'none' ? bytes : mutate(splitChunks(bytes), m);
      const out = only([CodecError], () => parseContainer(file, { maxPixels: 40 * 40 }));
      if (!out) return;
      assert.is(out.code.length, out.h * out.w * 3);
      assert.is(out.h, Math.ceil(out.header.height / 4));
      assert.ok(out.code.every(Number.isFinite));
      if (out.residual) assert.is(out.residual.rgb.length, out.header.width * out.header.height * 3);
      if (m.kind === 'none') assert.equal([out.header.width, out.header.height], [r.width, r.height]);
      if (m.kind === 'none' && r.residual === 'valid') assert.ok(out.residual, 'a valid fcRs chunk is read');
    }),
    300,
  );
});

/** The chunks of a well-formed file (to mutate it). */
function splitChunks(bytes: Uint8Array) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let pos = 8; pos < bytes.length; ) {
    const len = dv.getUint32(pos);
    out.push({ type: String.fromCharCode(...bytes.subarray(pos + 4, pos + 8)), data: bytes.slice(pos + 8, pos + 8 + len) });
    pos += 12 + len;
  }
  return out;
}

test.run();
