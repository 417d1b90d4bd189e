// Where facecodec's bytes go, per quality: the PNG container, and what the encoder's choices (filter
// strategy; bit depth and, in the rgb layout, decorrelated planes) buy over a plain 8-bit PNG of the
// same stored samples; plus
// an estimate of what a better entropy coder would need for the same code (adaptive order-0 arithmetic
// coding of the MED-predicted residual, per plane, as in LOCO-I), to show PNG's own coding cost.
//   npx tsx bench/codec-bytes.ts [--model 3] [--qualities 1,15,50,90] [--images 300] [--cache .cache/lfw]
// Chips come from the LFW benchmark's cache (run `npm run bench -- lfw` first), else samples/.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec, parseContainer, deltaFor } from '../host/codec/codec.ts';
import { readPng, writePng } from '../host/codec/png.ts';
import { bitDepthFor, isLumaOnly, maxSample, planeRects } from '../host/codec/layout.ts';
import { decodeImage } from '../host/image/codecs.ts';
import type { Image } from '../host/image/image.ts';
import { DiskCache } from './eval/cache.ts';
import { cachedChip } from './eval/lfw.ts';
import { parsePairs, pairImages } from './eval/pairs.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    qualities: { type: 'string', default: '1,15,50,90' },
    images: { type: 'string', default: '300' },
    cache: { type: 'string', default: '.cache/lfw' },
    pairs: { type: 'string', default: '../shared/data/lfw-pairs/pairs.txt' },
    json: { type: 'boolean', default: false },
  },
});

function chips(): { chips: Image[]; source: string } {
  const cache = new DiskCache(values.cache!);
  try {
    const files = pairImages(parsePairs(readFileSync(values.pairs!, 'utf8')).pairs).slice(0, Number(values.images));
    const out = files.map((f) => cachedChip(cache, f)).filter((c): c is Image => !!c);
    if (out.length === files.length && out.length > 0) return { chips: out, source: `${out.length} aligned LFW chips from ${values.cache}` };
  } catch {}
  const dir = path.join(import.meta.dirname, '../samples');
  return { chips: readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => decodeImage(readFileSync(path.join(dir, f)))), source: 'the bundled samples' };
}

/** Bits an adaptive order-0 coder (counts start at 1/2, KT) needs for a symbol sequence. */
function adaptiveBits(symbols: Int32Array, alphabet: number): number {
  const counts = new Float64Array(alphabet).fill(0.5);
  let total = alphabet * 0.5, bits = 0;
  for (const s of symbols) {
    bits -= Math.log2(counts[s] / total);
    counts[s]++;
    total++;
  }
  return bits;
}

/** MED (LOCO-I) prediction residuals of a w x h rectangle at (x0, y0) of an image of width W, shifted by max. */
function medResidual(q: Uint8Array, W: number, x0: number, y0: number, w: number, h: number, max: number): Int32Array {
  const r = new Int32Array(w * h);
  const at = (y: number, x: number) => q[(y0 + y) * W + x0 + x];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const a = x > 0 ? at(y, x - 1) : y > 0 ? at(y - 1, x) : 0, b = y > 0 ? at(y - 1, x) : a, c = x > 0 && y > 0 ? at(y - 1, x - 1) : b;
      const p = c >= Math.max(a, b) ? Math.min(a, b) : c <= Math.min(a, b) ? Math.max(a, b) : a + b - c;
      r[y * w + x] = at(y, x) - p + max;
    }
  return r;
}

/** Decode bound for the files read back (a 150x150 chip's code is far below it). */
const MAX_SAMPLES = 4096 * 4096;
const { chips: images, source } = chips();
const codec = await loadCodec(values.model ? { modelId: Number(values.model) } : {});
if (!values.json) console.log(`facecodec model ${codec.modelId} on ${source}; mean bytes per 150x150 chip`);
const rows = [];
for (const quality of values.qualities!.split(',').map(Number)) {
  const delta = deltaFor(codec.contract, quality);
  const sum = { file: 0, container: 0, plain8: 0, filtered8: 0, fflate: 0, ideal: 0 };
  const layouts = new Set<string>();
  for (let i = 0; i < images.length; i += 8) {
    const files = await codec.encodeBatch(images.slice(i, i + 8), { quality });
    for (const file of files) {
      const { h, w, layout, header, image } = parseContainer(file, MAX_SAMPLES, codec.contract);
      const { width: W, height: H, samples } = image;
      const max = maxSample(header.flags, delta); // the layout's range
      // The file's private chunks (fcHd, and fcRs at the residual tier) go into every variant as they are.
      const extra = readPng(file, { maxSamples: MAX_SAMPLES, maxFileBytes: file.length, maxChunks: 64 }).chunks;
      const png = (d: number, strategies?: number[]) => writePng({ width: W, height: H, depth: d, samples }, extra, { strategies, refine: 0 }).length;
      sum.file += file.length;
      // Signature 8 + IHDR 25 + private chunks (12 + data each) + IDAT framing 12 + IEND 12 + zlib header/checksum 6.
      sum.container += 8 + 25 + extra.reduce((n, c) => n + 12 + c.data.length, 0) + 12 + 12 + 6;
      sum.plain8 += png(8, [0]);
      sum.filtered8 += png(8);
      // The shipped candidates (bit depths x filter strategies) with fflate alone: the container-diet step.
      const depths = [...new Set([bitDepthFor(max), 8])];
      sum.fflate += writePng(depths.map((depth) => ({ width: W, height: H, depth, samples })), extra, { refine: 0 }).length;
      let bits = 0;
      for (const [x0, y0, pw, ph] of planeRects(layout, h, w, isLumaOnly(header.flags))) bits += adaptiveBits(medResidual(samples, W, x0, y0, pw, ph, max), 2 * max + 1);
      sum.ideal += bits / 8;
      layouts.add(`${layout} ${W}x${H}`);
    }
  }
  const m = (v: number) => +(v / images.length).toFixed(1);
  const row = { quality, step: +delta.toFixed(2), layout: [...layouts].join(', '), bpp: +((sum.file * 8) / images.length / 22500).toFixed(4), file: m(sum.file), container: m(sum.container), payload: m(sum.file - sum.container), plain_png_8bit_no_filter: m(sum.plain8), plus_filters: m(sum.filtered8), depth_choice_fflate: m(sum.fflate), shipped: m(sum.file), images: images.length, adaptive_coder_payload_estimate: m(sum.ideal) };
  rows.push(row);
  if (!values.json)
    console.log(`q${quality} (step ${row.step}, ${row.layout}): ${row.file} B = ${row.container} container + ${row.payload} deflate data (${row.bpp} bpp). Same samples as a plain 8-bit PNG, filter None: ${row.plain_png_8bit_no_filter} B; + filter choice: ${row.plus_filters} B; + bit depth / plane variant choice: ${row.depth_choice_fflate} B; + small-payload deflate (shipped): ${row.shipped} B. Adaptive arithmetic coder on MED residuals: ~${row.adaptive_coder_payload_estimate} B payload.`);
}
if (values.json) console.log(JSON.stringify(rows, null, 1));
codec.dispose();
