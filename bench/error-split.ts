// Where a codec's squared error lies: in luma or in chroma. For each decoded chip, the RGB PSNR of the
// chip as decoded, of the original with only the decoded luma put in (BT.601 Y; the original's Cb and
// Cr kept), and of the original with only the decoded chroma put in (the original's Y kept); means of
// the per-chip values, on LFW View 1 held-out chips (the tuning set, never View 2). A codec whose
// "luma only" PSNR is close to its PSNR loses its fidelity in luma. Then the PSNR after an oracle removes
// the error's mean over each cell of a G x G grid (G = 3, 5; per RGB channel): the most that side
// information on the error's low frequencies (G*G*3 values per chip, before their own bytes) could buy.
// For facecodec's g420 files also the chroma planes' share of the image data: the stored image
// deflated (png.ts writePng, no header) with and without the two chroma planes below the luma plane.
// Evaluation only: no model is chosen here.
//   npx tsx bench/error-split.ts [--images 100] [--codec facecodec|jpeg2000|webp|...]
//       [--settings 21,36,54] [--candidate DIR/NAME] [--out bench/results/error-split.md (appends)]
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCodec } from '../host/codec/codec.ts';
import type { Image } from '../host/image/image.ts';
import { candidateModel, getCodec } from './eval/codecs.ts';
import { view1Chips, VIEW1_OPTIONS } from './eval/view1.ts';
import { writePng } from '../host/codec/png.ts';
import { KB, KR, luma } from '../host/codec/chroma.ts';
import { readContainer } from '../host/codec/container.ts';
import { FLAG_G420, isLumaOnly } from '../host/codec/layout.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '100' },
    codec: { type: 'string', default: 'facecodec' },
    settings: { type: 'string', default: '21,36,54' },
    candidate: { type: 'string' },
    ...VIEW1_OPTIONS,
    out: { type: 'string' },
  },
});

const toYcc = (r: number, g: number, b: number) => {
  const y = luma(r, g, b);
  return [y, KB * (b - y), KR * (r - y)];
};
const toRgb = (y: number, cb: number, cr: number) => {
  const r = y + cr / KR, b = y + cb / KB;
  return [r, (y - 0.299 * r - 0.114 * b) / 0.587, b];
};
const db = (se: number, n: number) => 10 * Math.log10((255 * 255 * n) / se);

/** [PSNR, PSNR with only the luma error, PSNR with only the chroma error] of one decoded chip. */
function errorSplit(orig: Image, dec: Image): [number, number, number] {
  const a = orig.data, b = dec.data;
  let all = 0, luma = 0, chroma = 0;
  for (let i = 0; i < a.length; i += 3) {
    const o = toYcc(a[i], a[i + 1], a[i + 2]), d = toYcc(b[i], b[i + 1], b[i + 2]);
    const l = toRgb(d[0], o[1], o[2]), c = toRgb(o[0], d[1], d[2]);
    for (let k = 0; k < 3; k++) {
      all += (a[i + k] - b[i + k]) ** 2;
      luma += (a[i + k] - l[k]) ** 2;
      chroma += (a[i + k] - c[k]) ** 2;
    }
  }
  return [db(all, a.length), db(luma, a.length), db(chroma, a.length)];
}

/** PSNR of the decoded chip after adding the error's mean over each cell of a g x g grid (per channel). */
function cellOracle(orig: Image, dec: Image, g: number): number {
  const a = orig.data, b = dec.data, W = orig.width, H = orig.height;
  const cellOf = (p: number) => Math.min(g - 1, Math.floor(((p / W) | 0) * g / H)) * g + Math.min(g - 1, Math.floor((p % W) * g / W));
  const sum = new Float64Array(g * g * 3), count = new Float64Array(g * g);
  for (let p = 0; p < W * H; p++) {
    const c = cellOf(p);
    count[c]++;
    for (let k = 0; k < 3; k++) sum[c * 3 + k] += a[p * 3 + k] - b[p * 3 + k];
  }
  let se = 0;
  for (let p = 0; p < W * H; p++) {
    const c = cellOf(p);
    for (let k = 0; k < 3; k++) se += (a[p * 3 + k] - Math.min(255, Math.max(0, b[p * 3 + k] + sum[c * 3 + k] / count[c]))) ** 2;
  }
  return db(se, a.length);
}

/** The chroma planes' share of a g420 file's deflated image data (undefined for other files). */
function chromaShare(file: Uint8Array, factor: number): number | undefined {
  const { header, image, h } = readContainer(file, {}, factor);
  if (!(header.flags & FLAG_G420) || isLumaOnly(header.flags)) return undefined;
  const bytes = (height: number) => writePng([...new Set([image.depth, 8])].map((depth) => ({ ...image, depth, height, samples: image.samples.subarray(0, height * image.width) })), []).length - EMPTY_PNG;
  return 1 - bytes(h) / bytes(image.height);
}
/** Signature, IHDR, IDAT's framing, zlib's header and checksum, IEND: what writePng adds to the deflate stream. */
const EMPTY_PNG = 8 + 25 + 12 + 6 + 12;

const chips = await view1Chips(values, Number(values.images));
const settings = values.settings!.split(',').map(Number);
const fc = values.codec === 'facecodec' ? await loadCodec({ backend: 'wasm', ...(values.candidate ? candidateModel(values.candidate) : {}) }) : undefined;
const other = fc ? undefined : getCodec(values.codec!);
const name = fc ? `facecodec${values.candidate ? `@${values.candidate}` : ''}` : values.codec!;
const lines: string[] = [];
for (const s of settings) {
  const files: Uint8Array[] = [];
  if (fc) for (let i = 0; i < chips.length; i += 8) files.push(...(await fc.encodeBatch(chips.slice(i, i + 8), { quality: s })));
  else for (const c of chips) files.push(await other!.encode(c, s));
  const decoded = fc ? await fc.decodeBatch(files) : await Promise.all(files.map((f) => other!.decode(f)));
  const mean = [0, 0, 0, 0, 0];
  decoded.forEach((d, k) => [...errorSplit(chips[k], d), cellOracle(chips[k], d, 3), cellOracle(chips[k], d, 5)].forEach((v, j) => (mean[j] += v / chips.length)));
  const shares = fc ? files.map((f) => chromaShare(f, fc.contract.factor)).filter((v) => v !== undefined) : [];
  const share = shares.length ? `${((100 * shares.reduce((a, v) => a + v, 0)) / shares.length).toFixed(1)}%` : '-';
  const bpp = (files.reduce((a, f) => a + f.length, 0) * 8) / chips.length / (chips[0].width * chips[0].height);
  lines.push(`| ${name} | ${s} | ${bpp.toFixed(3)} | ${mean.map((v) => v.toFixed(2)).join(' | ')} | ${share} |`);
  console.log(lines[lines.length - 1]);
}
fc?.dispose();
if (values.out) appendFileSync(values.out, lines.join('\n') + '\n');
