// Property-based fuzzing of the image decoders the CLI accepts (host/image/codecs.ts: PNG via png.ts,
// JPEG via jpeg-js): PNGs of every colour type and bit depth built chunk by chunk (valid zlib, CRCs
// recomputed, then one mutation) and JPEGs from jpeg-js's encoder with bytes flipped, segments cut or
// lengths edited. Invariants: decodeImage returns or throws ImageError, within the time limit; a
// decoded image has width x height x channels values and never more pixels than the limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import jpeg from 'jpeg-js';
import { decodeImage } from '../../host/image/codecs.ts';
import { ImageError, checkImage } from '../../host/image/image.ts';
import { check, only } from './config.ts';
import { chunksOf, mutate, mutation, pngSpec } from './png-arb.ts';

function decodes(bytes: Uint8Array, maxPixels: number) {
  const img = only([ImageError], () => decodeImage(bytes, { maxPixels }));
  if (!img) return undefined;
  checkImage(img);
  assert.ok(img.width * img.height <= maxPixels, `decoded ${img.width}x${img.height}, over the ${maxPixels}-pixel limit`);
  return img;
}

test('decodeImage(PNG): every colour type and depth, mutated: ImageError or an image of the declared size', () => {
  check(
    'decodeImage png',
    fc.property(pngSpec(), mutation, fc.integer({ min: 1, max: 600 }), (spec, m, maxPixels) => {
      const img = decodes(mutate(chunksOf(spec), m), maxPixels);
      if (img && m.kind === 'none') assert.equal([img.width, img.height], [spec.width, spec.height]);
    }),
    500,
  );
});

/** Base JPEGs (jpeg-js's encoder takes ~0.2 s a file, so a fixed pool: sizes 1x1 to 40x33, qualities 1 to 100). */
const JPEGS = [[1, 1, 50], [7, 5, 1], [16, 16, 90], [33, 17, 30], [40, 33, 100], [9, 40, 70]].map(([width, height, quality], k) => {
  let x = 12345 + k;
  const data = Uint8Array.from({ length: width * height * 4 }, () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) >>> 24);
  return { width, height, bytes: new Uint8Array(jpeg.encode({ data, width, height }, quality).data) };
});
const jpegBase = fc.constantFrom(...JPEGS);

const jpegEdit = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('segmentLength' as const), which: fc.nat(), value: fc.nat(65535) }),
  fc.record({ kind: fc.constant('size' as const), w: fc.oneof(fc.nat(65535), fc.constant(0)), h: fc.oneof(fc.nat(65535), fc.constant(0)) }),
);

/** Offsets of the marker segments with a length field (everything before the scan data). */
function segments(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = 2; p + 4 <= b.length && b[p] === 0xff; ) {
    if (b[p + 1] === 0xda) break;
    out.push(p);
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  return out;
}

test('decodeImage(JPEG): flipped bytes, cut files, edited segment lengths and frame sizes: ImageError or a consistent image', () => {
  check(
    'decodeImage jpeg',
    fc.property(jpegBase, jpegEdit, fc.integer({ min: 1, max: 2000 }), (base, e, maxPixels) => {
      const b = base.bytes.slice();
      let bytes = b;
      if (e.kind === 'flip') for (const [at, v] of e.at) b[2 + (at % (b.length - 2))] = v;
      if (e.kind === 'cut') bytes = b.subarray(0, 3 + (e.at % (b.length - 3)));
      if (e.kind === 'segmentLength') {
        const segs = segments(b);
        const p = segs[e.which % segs.length];
        b[p + 2] = e.value >> 8;
        b[p + 3] = e.value & 255;
      }
      if (e.kind === 'size') {
        const sof = segments(b).find((p) => b[p + 1] === 0xc0);
        if (sof !== undefined) b.set([e.h >> 8, e.h & 255, e.w >> 8, e.w & 255], sof + 5);
      }
      const img = decodes(bytes, maxPixels);
      if (img && e.kind === 'none') assert.equal([img.width, img.height], [base.width, base.height]);
    }),
    500,
  );
});

test.run();
