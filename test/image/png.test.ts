// Our PNG codec (host/image/png.ts) against pngjs 7, the library it replaced, as the oracle: valid
// files of every colour type, bit depth, interlace and transparency (written here sample by sample,
// by sharp/libvips and by pngjs's encoder; the bundled samples) must decode to exactly pngjs's RGBA;
// our encoder's files must read back identically in both; damaged files (every truncation, every bit
// flip, bad CRCs, lying headers, bombs, chunk-order faults, fuzzed chunk lists) must be an ImageError,
// never another exception, and whatever we accept pngjs reads the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { zlibSync } from 'fflate';
import { readFileSync, readdirSync } from 'node:fs';
import { decodePng, encodePng8 } from '../../host/image/png.ts';
import { decodeImage, encodePng } from '../../host/image/codecs.ts';
import { ImageError, type Image } from '../../host/image/image.ts';
import { check, only } from '../fuzz/config.ts';
import { CHANNELS, chunksOf, concat, fileOf, fixCrcs, ihdr, mutate, mutation, pngSpec, type RawChunk } from '../fuzz/png-arb.ts';

const LIMITS = { maxPixels: 1 << 20 };
const IEND: RawChunk = { type: 'IEND', data: new Uint8Array(0) };

/** decodePng, which may only return or throw ImageError (within the fuzz time limit). */
const ours = (bytes: Uint8Array, limits = LIMITS) => only([ImageError], () => decodePng(bytes, limits));

/** Asserts our decoding equals pngjs's, pixel for pixel. */
function samePixels(bytes: Uint8Array, what: string): Image {
  const std = PNG.sync.read(Buffer.from(bytes));
  const img = decodePng(bytes, LIMITS);
  assert.equal([img.width, img.height, img.channels], [std.width, std.height, 4], what);
  if (!Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength).equals(std.data)) {
    const i = img.data.findIndex((v, k) => v !== std.data[k]);
    assert.unreachable(`${what}: byte ${i} (pixel ${i >> 2}) is ${img.data[i]}, pngjs gives ${std.data[i]}`);
  }
  return img;
}

function refused(bytes: Uint8Array, pattern: RegExp, limits = LIMITS): void {
  try {
    decodePng(bytes, limits);
  } catch (e) {
    assert.ok(e instanceof ImageError, `threw ${(e as Error).name}, not ImageError: ${(e as Error).message}`);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`accepted a file it should refuse (${pattern})`);
}

// ---- A PNG writer of our own for the tests: any colour type, depth, interlace, filters, tRNS. ----

interface Spec {
  width: number;
  height: number;
  color: number;
  depth: number;
  interlaced: boolean;
  /** width x height x channels samples, each < 2^depth (palette indices for type 3). */
  samples: Uint16Array;
  palette?: Uint8Array;
  trns?: Uint8Array;
  /** Filter type of each row, cycled over the rows of all passes. */
  filters: number[];
  idatPieces: number;
}

/** Adam7 (PNG spec 8.2): first column, column step, first row, row step; one full pass when not interlaced. */
const passGrid = (interlaced: boolean) =>
  interlaced ? [[0, 8, 0, 8], [4, 8, 0, 8], [0, 4, 4, 8], [2, 4, 0, 4], [0, 2, 2, 4], [1, 2, 0, 2], [0, 1, 1, 2]] : [[0, 1, 0, 1]];

function packRow(s: Spec, y: number, xs: number[]): Uint8Array {
  const ch = CHANNELS[s.color], vals = xs.flatMap((x) => Array.from(s.samples.subarray((y * s.width + x) * ch, (y * s.width + x + 1) * ch)));
  const row = new Uint8Array(Math.ceil((vals.length * s.depth) / 8));
  vals.forEach((v, i) => {
    if (s.depth === 16) row.set([v >> 8, v & 255], 2 * i);
    else if (s.depth === 8) row[i] = v;
    else row[Math.floor((i * s.depth) / 8)] |= v << (8 - s.depth - ((i * s.depth) % 8));
  });
  return row;
}

function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): number[] {
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  return Array.from(row, (v, i) => {
    const a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
    return (v - [0, a, b, Math.floor((a + b) / 2), paeth(a, b, c)][type]) & 255;
  });
}

function writeSpec(s: Spec): Uint8Array {
  const bpp = Math.max(1, (s.depth * CHANNELS[s.color]) / 8);
  const raw: number[] = [];
  let k = 0;
  for (const [x0, dx, y0, dy] of passGrid(s.interlaced)) {
    const xs = Array.from({ length: Math.max(0, Math.ceil((s.width - x0) / dx)) }, (_, i) => x0 + i * dx);
    if (xs.length === 0) continue;
    let prev: Uint8Array | undefined;
    for (let y = y0; y < s.height; y += dy) {
      const row = packRow(s, y, xs), type = s.filters[k++ % s.filters.length];
      raw.push(type, ...filterRow(type, row, prev ?? new Uint8Array(row.length), bpp));
      prev = row;
    }
  }
  const z = zlibSync(Uint8Array.from(raw), { level: 6 });
  const step = Math.ceil(z.length / s.idatPieces);
  const idat: RawChunk[] = [];
  for (let i = 0; i < z.length; i += step) idat.push({ type: 'IDAT', data: z.subarray(i, i + step) });
  const plte: RawChunk[] = s.palette ? [{ type: 'PLTE', data: s.palette }] : [];
  const trns: RawChunk[] = s.trns ? [{ type: 'tRNS', data: s.trns }] : [];
  return fileOf([{ type: 'IHDR', data: ihdr(s.width, s.height, s.depth, s.color, [0, 0, s.interlaced ? 1 : 0]) }, ...plte, ...trns, ...idat, IEND]);
}

const COMBOS: Array<[number, number]> = [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [2, 8], [2, 16], [3, 1], [3, 2], [3, 4], [3, 8], [4, 8], [4, 16], [6, 8], [6, 16]];

/** Images of a few colours (so a tRNS key matches some pixels and filters see repeats) mixed with noise. */
const specArb: fc.Arbitrary<Spec> = fc
  .record({
    width: fc.integer({ min: 1, max: 19 }),
    height: fc.integer({ min: 1, max: 19 }),
    combo: fc.constantFrom(...COMBOS),
    interlaced: fc.boolean(),
    trns: fc.boolean(),
    colours: fc.integer({ min: 1, max: 5 }),
    noise: fc.integer({ min: 0, max: 100 }),
    entries: fc.nat(),
    seed: fc.integer(),
    filters: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
    idatPieces: fc.integer({ min: 1, max: 3 }),
  })
  .map((r) => {
    const [color, depth] = r.combo, ch = CHANNELS[color];
    let x = r.seed >>> 0;
    const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
    const entries = color === 3 ? 1 + (r.entries % 2 ** depth) : 0;
    const value = () => (color === 3 ? next() % entries : next() % 2 ** depth);
    const tuples = Array.from({ length: r.colours }, () => Array.from({ length: ch }, value));
    const samples = new Uint16Array(r.width * r.height * ch);
    for (let p = 0; p < r.width * r.height; p++) {
      const t = next() % 100 < r.noise ? Array.from({ length: ch }, value) : tuples[next() % tuples.length];
      samples.set(t, p * ch);
    }
    const palette = color === 3 ? Uint8Array.from({ length: entries * 3 }, () => next() >>> 24) : undefined;
    const keyBytes = (vals: number[]) => Uint8Array.from(vals.flatMap((v) => [v >> 8, v & 255]));
    let trns: Uint8Array | undefined;
    if (r.trns && color === 3) trns = Uint8Array.from({ length: 1 + (next() % entries) }, () => next() >>> 24);
    if (r.trns && (color === 0 || color === 2)) trns = keyBytes(next() % 4 ? tuples[0] : Array.from({ length: ch }, value));
    return { width: r.width, height: r.height, color, depth, interlaced: r.interlaced, samples, palette, trns, filters: r.filters, idatPieces: r.idatPieces };
  });

test('every colour type, bit depth, interlace, filter and tRNS (files written here): the pixels pngjs gives', () => {
  const seen = new Set<string>();
  check(
    'decodePng vs pngjs',
    fc.property(specArb, (s) => {
      samePixels(writeSpec(s), `type ${s.color} depth ${s.depth}${s.interlaced ? ' interlaced' : ''}${s.trns ? ' tRNS' : ''}`);
      seen.add(`${s.color}/${s.depth}/${s.interlaced}/${!!s.trns && s.color !== 4 && s.color !== 6}`);
    }),
    400,
  );
  // 15 colour type/depth pairs x interlace, x tRNS for the 11 pairs of types 0, 2 and 3.
  assert.is(seen.size, 52, `only ${seen.size} of the 52 kinds of file were drawn`);
});

test('16-bit samples and tRNS keys: pngjs reduction and transparency on chosen values', () => {
  // Gray 16-bit across the whole range (reduction floor(v * 255 / 65535 + 0.5)), with key 0x1234.
  const samples = Uint16Array.from({ length: 256 }, (_, i) => (i * 257 + (i % 7) * 31) & 0xffff);
  samples[5] = 0x1234;
  const key = Uint8Array.from([0x12, 0x34]);
  const img = samePixels(writeSpec({ width: 16, height: 16, color: 0, depth: 16, interlaced: false, samples, trns: key, filters: [0, 1, 2, 3, 4], idatPieces: 1 }), 'gray 16 + key');
  assert.equal(Array.from(img.data.subarray(20, 24)), [0, 0, 0, 0]);
  // 2-bit gray, key 2: that pixel is 0,0,0,0, the others 0, 85, 255 with alpha 255.
  const two = samePixels(writeSpec({ width: 4, height: 1, color: 0, depth: 2, interlaced: true, samples: Uint16Array.from([0, 1, 2, 3]), trns: Uint8Array.from([0, 2]), filters: [4], idatPieces: 1 }), 'gray 2 + key');
  assert.equal(Array.from(two.data), [0, 0, 0, 255, 85, 85, 85, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
});

// ---- Files from sharp (libvips/libpng) and from pngjs's own encoder. ----

interface SharpCase {
  channels: 1 | 2 | 3 | 4;
  sixteen?: boolean;
  space?: 'b-w' | 'grey16' | 'rgb16';
  png: { palette?: boolean; colours?: number; progressive?: boolean };
  /** What the file must be: colour type, bit depth. */
  expect: [number, number];
}

const SHARP: SharpCase[] = [
  { channels: 3, png: { palette: true, colours: 2 }, expect: [3, 1] },
  { channels: 4, png: { palette: true, colours: 4, progressive: true }, expect: [3, 2] },
  { channels: 4, png: { palette: true, colours: 16 }, expect: [3, 4] },
  { channels: 4, png: { palette: true, progressive: true }, expect: [3, 8] },
  { channels: 1, space: 'b-w', png: { progressive: true }, expect: [0, 8] },
  { channels: 2, space: 'b-w', png: { progressive: true }, expect: [4, 8] },
  { channels: 3, png: { progressive: true }, expect: [2, 8] },
  { channels: 4, png: { progressive: true }, expect: [6, 8] },
  { channels: 1, sixteen: true, space: 'grey16', png: { progressive: true }, expect: [0, 16] },
  { channels: 2, sixteen: true, space: 'grey16', png: {}, expect: [4, 16] },
  { channels: 3, sixteen: true, space: 'rgb16', png: { progressive: true }, expect: [2, 16] },
  { channels: 4, sixteen: true, space: 'rgb16', png: {}, expect: [6, 16] },
];

test('files from sharp: palettes of 1-8 bits with tRNS, Adam7, 16-bit gray/RGB(A): the pixels pngjs gives', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...SHARP), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer(), async (c, width, height, seed) => {
      let x = seed >>> 0;
      const n = width * height * c.channels, next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
      const data = c.sixteen ? Uint16Array.from({ length: n }, () => next() >>> 16) : Uint8Array.from({ length: n }, () => next() >>> 24);
      let pipe = sharp(data, { raw: { width, height, channels: c.channels } });
      if (c.space) pipe = pipe.toColourspace(c.space);
      const bytes = new Uint8Array(await pipe.png(c.png).toBuffer());
      assert.equal([bytes[25], bytes[24], bytes[28]], [...c.expect, c.png.progressive ? 1 : 0], `sharp wrote another kind of file for ${JSON.stringify(c)}`);
      samePixels(bytes, `sharp ${JSON.stringify(c)} ${width}x${height}`);
    }),
    { seed: 20261202, numRuns: 72 },
  );
});

test("files from pngjs's encoder (gray, gray+alpha, RGB, RGBA at 8 and 16 bits): the pixels pngjs gives", () => {
  check(
    'decodePng vs pngjs encoder',
    fc.property(fc.constantFrom(0, 2, 4, 6) as fc.Arbitrary<0 | 2 | 4 | 6>, fc.constantFrom(8, 16) as fc.Arbitrary<8 | 16>, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (colorType, bitDepth, width, height, seed) => {
      let x = seed >>> 0;
      const n = width * height * 4, next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
      // Gray stays gray (pngjs averages R, G and B, which need not be a whole number).
      const vals = bitDepth === 16 ? Uint16Array.from({ length: n }, () => next() >>> 16) : Uint8Array.from({ length: n }, () => next() >>> 24);
      if (colorType === 0 || colorType === 4) for (let p = 0; p < n; p += 4) vals[p + 1] = vals[p + 2] = vals[p];
      const png = new PNG({ width, height, bitDepth });
      png.data = Buffer.from(vals.buffer);
      const bytes = PNG.sync.write(png, { colorType, bitDepth, inputHasAlpha: true });
      assert.equal([bytes[25], bytes[24]], [colorType, bitDepth]);
      samePixels(new Uint8Array(bytes), `pngjs type ${colorType} depth ${bitDepth}`);
    }),
    120,
  );
});

test('the bundled samples: the pixels pngjs gives', () => {
  const dir = new URL('../../samples/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.png'));
  assert.ok(files.length > 0);
  for (const f of files) samePixels(new Uint8Array(readFileSync(new URL(f, dir))), f);
});

// ---- Our encoder. ----

test('encodePng8: gray and RGB read back identically by pngjs and by decodePng', () => {
  check(
    'encodePng8 round trip',
    fc.property(fc.constantFrom(1, 3) as fc.Arbitrary<1 | 3>, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 255 }), fc.integer(), (channels, width, height, noise, seed) => {
      let x = seed >>> 0;
      const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
      // Gradients (where the Sub/Up/Average/Paeth filters win) plus noise of a drawn amplitude.
      const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => {
        const p = Math.floor(i / channels);
        return ((p % width) * 3 + Math.floor(p / width) * 5 + (i % channels) * 40 + (noise ? next() % (noise + 1) : 0)) & 255;
      });
      const bytes = encodePng8(pixels, width, height, channels);
      assert.equal([bytes[24], bytes[25], bytes[28]], [8, channels === 1 ? 0 : 2, 0]);
      const img = samePixels(bytes, `encodePng8 ${channels} channels ${width}x${height}`);
      for (let p = 0; p < width * height; p++)
        for (let c = 0; c < 4; c++) if (img.data[p * 4 + c] !== (c === 3 ? 255 : pixels[p * channels + (channels === 1 ? 0 : c)])) assert.unreachable(`pixel ${p} channel ${c} differs`);
    }),
    150,
  );
});

test('encodePng: floats are rounded and clamped, alpha dropped, gray stays gray', () => {
  const rgba: Image = { data: Float32Array.from([-3, 0.4, 254.6, 9, 300, 128, 7.5, 0]), width: 2, height: 1, channels: 4 };
  const back = decodeImage(encodePng(rgba));
  assert.equal(Array.from(back.data), [0, 0, 255, 255, 255, 128, 8, 255]);
  const gray = encodePng({ data: Uint8Array.from([0, 77, 255]), width: 3, height: 1, channels: 1 });
  assert.is(gray[25], 0);
  assert.equal(Array.from(decodeImage(gray).data), [0, 0, 0, 255, 77, 77, 77, 255, 255, 255, 255, 255]);
  assert.throws(() => encodePng8(new Uint8Array(5), 2, 1, 3), (e: Error) => e instanceof ImageError);
});

// ---- Damaged and hostile files. ----

/** Small files: palette, interlaced, 2-bit (critical chunks only), and RGB from our encoder. */
const SMALL = [
  writeSpec({ width: 5, height: 3, color: 3, depth: 2, interlaced: true, samples: Uint16Array.from({ length: 15 }, (_, i) => i % 3), palette: Uint8Array.from([1, 2, 3, 200, 100, 50, 9, 9, 9]), filters: [0, 1, 2, 3, 4], idatPieces: 2 }),
  encodePng8(Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 29) & 255), 4, 3, 3),
];

test('every truncation of a small file is an ImageError', () => {
  for (const file of SMALL) {
    samePixels(file, 'the whole file');
    for (let n = 0; n < file.length; n++) refused(file.subarray(0, n), /^corrupt PNG: /);
  }
});

test('every single bit flip is an ImageError; with CRCs recomputed, what we accept pngjs reads the same', () => {
  let accepted = 0;
  for (const file of SMALL) {
    for (let bit = 0; bit < file.length * 8; bit++) {
      const bad = file.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      refused(bad, /^corrupt PNG: |over the limit of/);
      const fixed = fixCrcs(bad.slice());
      const img = ours(fixed);
      if (!img) continue;
      accepted++;
      samePixels(fixed, `bit ${bit} flipped, CRCs fixed`);
    }
  }
  assert.ok(accepted > 0, 'no flipped file (CRCs fixed) was accepted: the differential check checked nothing');
});

test('a bad CRC in a critical chunk is refused; in an ancillary chunk the chunk is skipped', () => {
  const file = SMALL[1], bad = file.slice();
  bad[bad.length - 13] ^= 1; // the last byte of IDAT's CRC
  refused(bad, /^corrupt PNG: CRC mismatch in chunk IDAT$/);
  const text = fileOf([{ type: 'IHDR', data: ihdr(1, 1, 8, 2) }, { type: 'tEXt', data: new Uint8Array(4) }, { type: 'IDAT', data: zlibSync(Uint8Array.from([0, 10, 20, 30])) }, IEND]);
  text[8 + 25 + 8] ^= 1; // tEXt's data, CRC left as it was
  assert.equal(Array.from(decodePng(text, LIMITS).data), [10, 20, 30, 255]);
});

test('an IHDR declaring a huge image is refused before any image data is read or allocated', () => {
  const z = zlibSync(new Uint8Array(10));
  const huge = fileOf([{ type: 'IHDR', data: ihdr(100000, 100000, 16, 6) }, { type: 'IDAT', data: z }, IEND]);
  refused(huge, /^PNG is 100000x100000, over the limit of 1048576 pixels$/);
  // Under a limit raised far: too short a stream for the declared size, or over what a buffer may take.
  const before = process.memoryUsage().arrayBuffers;
  const big = fileOf([{ type: 'IHDR', data: ihdr(10000, 10000, 8, 0) }, { type: 'IDAT', data: z }, IEND]);
  refused(big, /^corrupt PNG: \d+ bytes of image data cannot inflate to the 100010000 bytes the image needs$/, { maxPixels: 1e12 });
  refused(huge, /^PNG is 100000x100000, too large to decode/, { maxPixels: 1e12 });
  const widest = fileOf([{ type: 'IHDR', data: ihdr(0x7fffffff, 0x7fffffff, 8, 0) }, { type: 'IDAT', data: z }, IEND]);
  refused(widest, /too large to decode/, { maxPixels: Infinity });
  assert.ok(process.memoryUsage().arrayBuffers - before < 8e6, 'allocated for the declared size');
  refused(fileOf([{ type: 'IHDR', data: ihdr(0, 5, 8, 0) }, { type: 'IDAT', data: z }, IEND]), /bad image size 0x5/);
  // decodeImage keeps its limit message (the CLI and batch tests match it).
  assert.throws(() => decodeImage(huge, { maxPixels: 20000 }), (e: Error) => e instanceof ImageError && /over the limit of 20000 pixels/.test(e.message));
});

test('a decompression bomb is refused without inflating it (50 MB of zeros for a 4x4 image)', () => {
  const bomb = zlibSync(new Uint8Array(50_000_000), { level: 9 });
  const bytes = fileOf([{ type: 'IHDR', data: ihdr(4, 4, 8, 2) }, { type: 'IDAT', data: bomb }, IEND]);
  const before = process.memoryUsage().arrayBuffers;
  refused(bytes, /inflates to more than the 52 bytes the image needs/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 8e6, 'inflated far past the limit');
  // Image data short of the size, or with bytes beyond it, or a bad Adler-32: refused too.
  const short = fileOf([{ type: 'IHDR', data: ihdr(4, 4, 8, 2) }, { type: 'IDAT', data: zlibSync(new Uint8Array(51)) }, IEND]);
  refused(short, /inflates to 51 bytes, expected 52/);
  const z = zlibSync(new Uint8Array(52));
  z[z.length - 1] ^= 1;
  refused(fileOf([{ type: 'IHDR', data: ihdr(4, 4, 8, 2) }, { type: 'IDAT', data: z }, IEND]), /Adler-32/);
  // A duplicated IDAT: the second copy follows a complete zlib stream and ends with a valid Adler-32.
  const idat = { type: 'IDAT', data: zlibSync(new Uint8Array(52), { level: 0 }) };
  refused(fileOf([{ type: 'IHDR', data: ihdr(4, 4, 8, 2) }, idat, idat, IEND]), /\d+ bytes follow the zlib stream in the image data/);
});

/** One row of 8-bit gray or palette indices, filter type 0. */
const rowData = (...v: number[]) => zlibSync(Uint8Array.from([0, ...v]));

test('chunk order, IHDR fields, filter types and palette indices are checked', () => {
  const hdr = (w: number, depth: number, color: number, methods?: number[]) => ({ type: 'IHDR', data: ihdr(w, 1, depth, color, methods) });
  const plte = { type: 'PLTE', data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const idat = { type: 'IDAT', data: rowData(1, 0) };
  const good = [hdr(2, 8, 3), plte, idat, IEND];
  assert.equal(Array.from(decodePng(fileOf(good), LIMITS).data), [4, 5, 6, 255, 1, 2, 3, 255]);
  const cases: Array<[RawChunk[], RegExp]> = [
    [[plte, hdr(2, 8, 3), idat, IEND], /IHDR is not the first chunk/],
    [[hdr(2, 8, 3), hdr(2, 8, 3), plte, idat, IEND], /two IHDR chunks/],
    [[hdr(2, 8, 3), idat, plte, IEND], /palette image without a PLTE chunk before its image data/],
    [[hdr(2, 8, 3), plte, plte, idat, IEND], /two PLTE chunks/],
    [[hdr(2, 8, 3), { type: 'PLTE', data: new Uint8Array(4) }, idat, IEND], /PLTE is 4 bytes long/],
    [[hdr(2, 8, 3), plte, { type: 'IDAT', data: rowData(1, 2) }, IEND], /palette index 2 is out of range \(the palette has 2 entries\)/],
    [[hdr(2, 8, 0), { type: 'IDAT', data: zlibSync(Uint8Array.from([5, 1, 2])) }, IEND], /filter type 5 in row 0/],
    [[hdr(2, 8, 0), { type: 'IDAT', data: rowData(1, 2).subarray(0, 4) }, { type: 'tEXt', data: new Uint8Array(1) }, { type: 'IDAT', data: rowData(1, 2).subarray(4) }, IEND], /IDAT chunks are not consecutive/],
    [[hdr(2, 8, 0), idat], /truncated: the file ends at byte \d+, before an IEND chunk/],
    [[hdr(2, 8, 0), IEND], /no IDAT chunk/],
    [[hdr(2, 8, 0), { type: 'ABCD', data: new Uint8Array(1) }, idat, IEND], /unknown critical chunk ABCD/],
    [[hdr(2, 4, 2), idat, IEND], /bit depth 4 is not allowed for colour type 2/],
    [[hdr(2, 16, 3), idat, IEND], /bit depth 16 is not allowed for colour type 3/],
    [[hdr(2, 8, 5), idat, IEND], /unknown colour type 5/],
    [[hdr(2, 8, 0, [1, 0, 0]), idat, IEND], /unknown compression method 1/],
    [[hdr(2, 8, 0, [0, 1, 0]), idat, IEND], /unknown filter method 1/],
    [[hdr(2, 8, 0, [0, 0, 2]), idat, IEND], /unknown interlace method 2/],
    [[{ type: 'IHDR', data: new Uint8Array(12) }, idat, IEND], /IHDR is 12 bytes long, not 13/],
  ];
  for (const [chunks, re] of cases) refused(fileOf(chunks), re);
  refused(concat([fileOf(good), new Uint8Array(3)]), /3 bytes after IEND/);
  refused(new TextEncoder().encode('\x89PNG\r\n\x1a\x00'), /bad signature/);
  const badType = fileOf(good);
  badType[8 + 25 + 4] = 0x31; // PLTE's type starts with a digit
  refused(badType, /bad chunk type at byte 33/);
});

test('malformed ancillary chunks are skipped (pngjs refuses some of these files)', () => {
  const hdr = { type: 'IHDR', data: ihdr(2, 1, 8, 3) }, plte = { type: 'PLTE', data: Uint8Array.from([1, 2, 3, 4, 5, 6]) }, idat = { type: 'IDAT', data: rowData(1, 0) };
  const expect = (chunks: RawChunk[], rgba: number[], pngjsRefuses: boolean) => {
    const bytes = fileOf(chunks);
    assert.equal(Array.from(decodePng(bytes, LIMITS).data), rgba);
    if (pngjsRefuses) assert.throws(() => PNG.sync.read(Buffer.from(bytes)));
    else samePixels(bytes, chunks.map((c) => c.type).join());
  };
  expect([hdr, { type: 'gAMA', data: new Uint8Array(0) }, plte, idat, IEND], [4, 5, 6, 255, 1, 2, 3, 255], true);
  expect([hdr, plte, { type: 'tRNS', data: Uint8Array.from([7, 8, 9]) }, idat, IEND], [4, 5, 6, 255, 1, 2, 3, 255], true); // more alphas than entries
  expect([hdr, { type: 'tRNS', data: Uint8Array.from([7]) }, plte, idat, IEND], [4, 5, 6, 255, 1, 2, 3, 255], true); // before PLTE
  expect([hdr, plte, { type: 'tRNS', data: Uint8Array.from([7]) }, idat, IEND], [4, 5, 6, 255, 1, 2, 3, 7], false);
  const gray = { type: 'IHDR', data: ihdr(2, 1, 8, 0) }, g = { type: 'IDAT', data: rowData(5, 6) };
  expect([gray, { type: 'tRNS', data: Uint8Array.from([0]) }, g, IEND], [5, 5, 5, 255, 6, 6, 6, 255], true); // 1 byte, not 2
  expect([gray, { type: 'tRNS', data: Uint8Array.from([0, 6]) }, g, IEND], [5, 5, 5, 255, 0, 0, 0, 0], false);
  expect([gray, { type: 'tEXt', data: new Uint8Array(0) }, g, { type: 'zzZz', data: new Uint8Array(3) }, IEND], [5, 5, 5, 255, 6, 6, 6, 255], false);
});

/** pngjs refuses a gAMA chunk shorter than 4 bytes, which we skip. */
function hasShortGama(bytes: Uint8Array): boolean {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 8; p + 12 <= bytes.length; p += 12 + dv.getUint32(p)) if (String.fromCharCode(...bytes.subarray(p + 4, p + 8)) === 'gAMA' && dv.getUint32(p) < 4) return true;
  return false;
}

test('fuzzed chunk lists (every colour type, mutated): ImageError or the declared size, and what we accept pngjs reads the same', () => {
  check(
    'decodePng mutated',
    fc.property(pngSpec(), mutation, fc.integer({ min: 1, max: 600 }), (spec, m, maxPixels) => {
      const bytes = mutate(chunksOf(spec), m);
      const img = ours(bytes, { maxPixels });
      if (m.kind === 'none' && spec.methods[2] !== 1) {
        // (Interlaced, the data is the wrong size but for the few sizes where Adam7's is the same.)
        const valid = spec.excess === 0 && spec.methods.every((v) => v === 0) && spec.width * spec.height <= maxPixels &&
          Array.from({ length: spec.height }, (_, y) => spec.raw[y * (spec.raw.length / spec.height)]).every((f) => f <= 4);
        assert.is(!!img, valid, `${valid ? 'refused' : 'accepted'} ${spec.width}x${spec.height} type ${spec.color} depth ${spec.depth}`);
      }
      if (!img) return;
      assert.ok(img.width * img.height <= maxPixels);
      assert.is(img.data.length, img.width * img.height * 4);
      if (hasShortGama(bytes)) return;
      samePixels(bytes, `mutation ${m.kind}`);
    }),
    600,
  );
});

test.run();
