// What chroma cells (host/codec/chroma.ts) buy a luma-only file: PSNR of the restored chip with no
// cells (the learned tint), with the original's mean chroma over g x g cells (g = 1..4, g^2 bytes),
// and with the original's full chroma (the bound), per luma-only quality, on LFW View 1 held-out chips
// (tuning happens on View 1, never View 2). The chosen grid is CHROMA_GRID; the others are what it was
// chosen against. Writes bench/results/chroma-cells.md.
//   npx tsx bench/chroma-cells.ts [--model 5] [--qualities 1,13] [--images 64]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encodeHeader, HEADER_CHUNK, loadCodec, readContainer } from '../host/codec/codec.ts';
import { withChunkData } from '../host/codec/png.ts';
import { applyChroma, chromaCells, CHROMA_GRID, luma } from '../host/codec/chroma.ts';
import { toRgbFloat, type Image } from '../host/image/image.ts';
import { DiskCache } from './eval/cache.ts';
import { cachedChip } from './eval/lfw.ts';
import { parsePairs, pairImages } from './eval/pairs.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: '5' },
    qualities: { type: 'string', default: '1,13' },
    images: { type: 'string', default: '64' },
    cache: { type: 'string', default: '.cache/lfw' },
    pairs: { type: 'string', default: 'bench/view1/pairs-heldout.txt' },
    out: { type: 'string', default: 'bench/results/chroma-cells.md' },
  },
});

const cache = new DiskCache(values.cache!);
// Every 7th image of the pairs' list: a spread of people rather than the first few names.
const chips = pairImages(parsePairs(readFileSync(values.pairs!, 'utf8')).pairs)
  .filter((_, i) => i % 7 === 0)
  .map((f) => cachedChip(cache, f))
  .filter((c): c is Image => !!c)
  .slice(0, Number(values.images));
if (chips.length === 0) throw new Error(`no cached chips of ${values.pairs} in ${values.cache}: run npm run bench -- lfw --pairs ${values.pairs} --codec none first`);

const psnr = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - Math.min(255, Math.max(0, Math.round(b[i])))) ** 2;
  return 10 * Math.log10((255 * 255) / (s / a.length));
};

/** The restoration with its chroma replaced by the original's (luma kept): the bound on any chroma side information. */
function fullChroma(orig: Float32Array, rest: Float32Array): Float32Array {
  const out = rest.slice();
  for (let i = 0; i < out.length; i += 3) {
    const dy = luma(orig[i], orig[i + 1], orig[i + 2]) - luma(rest[i], rest[i + 1], rest[i + 2]);
    for (let c = 0; c < 3; c++) out[i + c] = orig[i + c] - dy;
  }
  return out;
}

const codec = await loadCodec({ modelId: Number(values.model) });
const lines = [
  '# Chroma cells of luma-only files',
  '',
  `Model ${values.model}, ${chips.length} LFW View 1 held-out chips (every 7th image of ${values.pairs}). Mean PSNR (dB) of the restored chip; bytes are whole files as the encoder writes them (with the ${CHROMA_GRID}x${CHROMA_GRID} cells). Regenerate: \`npx tsx bench/chroma-cells.ts\`.`,
  '',
  '| quality | bytes per file | no cells | 1 cell (1 B) | 2x2 (4 B) | 3x3 (9 B) | 4x4 (16 B) | full chroma (bound) |',
  '|---|---|---|---|---|---|---|---|',
];
for (const quality of values.qualities!.split(',').map(Number)) {
  const sums = new Array(6).fill(0);
  let bytes = 0;
  for (const chip of chips) {
    const file = await codec.encode(chip, { quality });
    const { header } = readContainer(file);
    if (!header.chroma) throw new Error(`quality ${quality} is not luma-only for model ${values.model}`);
    bytes += file.length;
    const orig = toRgbFloat(chip);
    // The same file without its cells (as model v4 first wrote it) restores the learned tint; each
    // grid's cells are applied to that.
    const none = toRgbFloat(await codec.decode(withChunkData(file, HEADER_CHUNK, encodeHeader({ ...header, chroma: undefined }))));
    const rows = [1, 2, 3, 4].map((g) => {
      const r = none.slice();
      applyChroma(r, chip.width, chip.height, chip.width, chromaCells(orig, chip.width, chip.height, chip.width, g));
      return r;
    });
    [none, ...rows, fullChroma(orig, none)].forEach((r, k) => (sums[k] += psnr(orig, r) / chips.length));
  }
  lines.push(`| ${quality} | ${(bytes / chips.length).toFixed(1)} | ${sums.map((s) => s.toFixed(2)).join(' | ')} |`);
  console.log(lines.at(-1));
}
writeFileSync(values.out!, lines.join('\n') + '\n');
codec.dispose();
