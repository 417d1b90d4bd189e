// Where the luma plane's bits go: smooth or detailed parts of the face. For facecodec's g420 files, each
// luma sample's cost is estimated as -log2 p(r), r its Paeth prediction residual (PNG's predictor, on
// sample values) and p the residuals' distribution over all files at that quality (an order-0 coder
// fitted to them: a lower bound near what deflate's Huffman codes pay). Each sample is ranked by the
// detail of the original chip under it: the standard deviation of BT.601 luma over the 8x8 pixels
// centred on its 4x4 cell. Reports, per quartile of detail, the share of the samples and of the bits,
// and how many residuals are zero (each of which still costs -log2 p(0) bits to an order-0 coder).
// A code whose smooth quarters cost little has little to gain from spending fewer samples there.
// On LFW View 1 held-out chips (the tuning set, never View 2); evaluation only.
//   npx tsx bench/bit-map.ts [--images 200] [--qualities 13,21,54] [--candidate DIR/NAME] [--out FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCodec } from '../host/codec/codec.ts';
import { readContainer } from '../host/codec/container.ts';
import { paeth } from '../host/codec/png.ts';
import { luma } from '../host/codec/chroma.ts';
import { layoutOf } from '../host/codec/layout.ts';
import type { Image } from '../host/image/image.ts';
import { candidateModel } from './eval/codecs.ts';
import { view1Chips, VIEW1_OPTIONS } from './eval/view1.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '200' },
    qualities: { type: 'string', default: '13,21,54' },
    candidate: { type: 'string' },
    ...VIEW1_OPTIONS,
    out: { type: 'string' },
  },
});
const QUARTILES = 4;

/** One luma sample: its Paeth residual and the detail of the original under it. */
interface Sample {
  residual: number;
  detail: number;
}

/** Std of the chip's luma over the 8x8 window centred on code cell (x, y) (factor 4), clipped to the chip. */
function detailAt(chip: Image, x: number, y: number, factor: number): number {
  let n = 0, s = 0, s2 = 0;
  for (let py = y * factor - 2; py < (y + 1) * factor + 2; py++)
    for (let px = x * factor - 2; px < (x + 1) * factor + 2; px++) {
      if (px < 0 || py < 0 || px >= chip.width || py >= chip.height) continue;
      const i = (py * chip.width + px) * 3, v = luma(chip.data[i], chip.data[i + 1], chip.data[i + 2]);
      n++;
      s += v;
      s2 += v * v;
    }
  return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
}

/** The luma plane's samples of one g420 file (the top h rows, the code's w columns; a luma-only file's whole image). */
function lumaSamples(file: Uint8Array, chip: Image, factor: number): Sample[] {
  const { header, image, h, w } = readContainer(file, {}, factor);
  if (layoutOf(header.flags) !== 'g420') throw new Error('bit-map reads g420 files only');
  const at = (x: number, y: number) => (x < 0 || y < 0 ? 0 : image.samples[y * image.width + x]);
  const out: Sample[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) out.push({ residual: at(x, y) - paeth(at(x - 1, y), at(x, y - 1), at(x - 1, y - 1)), detail: detailAt(chip, x, y, factor) });
  return out;
}

/** One quartile of detail: the mean detail under it, its shares of the samples and of the bits, bits per sample, share of zero residuals. */
interface Quartile {
  detail: number;
  share: number;
  bitShare: number;
  perSample: number;
  zeros: number;
}

/** The quartiles of detail (smoothest first), and what one zero residual costs (-log2 of the zeros' share). */
function quartiles(samples: Sample[]): { parts: Quartile[]; zeroBits: number } {
  const counts = new Map<number, number>();
  for (const s of samples) counts.set(s.residual, (counts.get(s.residual) ?? 0) + 1);
  const bits = (s: Sample) => -Math.log2(counts.get(s.residual)! / samples.length);
  const sorted = [...samples].sort((a, b) => a.detail - b.detail);
  const total = sorted.reduce((t, s) => t + bits(s), 0);
  const parts = Array.from({ length: QUARTILES }, (_, q) => {
    const part = sorted.slice(Math.floor((q * sorted.length) / QUARTILES), Math.floor(((q + 1) * sorted.length) / QUARTILES));
    const b = part.reduce((t, s) => t + bits(s), 0);
    const detail = part.reduce((t, s) => t + s.detail, 0) / part.length;
    return { detail, share: part.length / sorted.length, bitShare: b / total, perSample: b / part.length, zeros: part.filter((s) => s.residual === 0).length / part.length };
  });
  return { parts, zeroBits: -Math.log2((counts.get(0) ?? 0) / samples.length) };
}

const chips = await view1Chips(values, Number(values.images));
const codec = await loadCodec({ backend: 'wasm', ...(values.candidate ? candidateModel(values.candidate) : {}) });
const lines = [
  `# Luma bits by detail (model ${values.candidate ?? 'default'}; ${chips.length} LFW View 1 held-out chips; order-0 cost of Paeth residuals)`,
  '',
  '| quality | detail quartile (smoothest first) | mean luma std (0..255) | share of samples | share of bits | bits per sample | zero residuals | bits per zero |',
  '|---|---|---|---|---|---|---|---|',
];
for (const quality of values.qualities!.split(',').map(Number)) {
  const pngs: Uint8Array[] = [];
  for (let i = 0; i < chips.length; i += 8) pngs.push(...(await codec.encodeBatch(chips.slice(i, i + 8), { quality })));
  const samples = pngs.flatMap((f, k) => lumaSamples(f, chips[k], codec.contract.factor));
  const { parts, zeroBits } = quartiles(samples);
  parts.forEach(({ detail, share, bitShare, perSample, zeros }, q) => {
    lines.push(`| ${quality} | ${q + 1} | ${detail.toFixed(1)} | ${(100 * share).toFixed(0)}% | ${(100 * bitShare).toFixed(1)}% | ${perSample.toFixed(2)} | ${(100 * zeros).toFixed(0)}% | ${zeroBits.toFixed(2)} |`);
    console.log(lines[lines.length - 1]);
  });
}
codec.dispose();
if (values.out) writeFileSync(values.out, lines.join('\n') + '\n');
