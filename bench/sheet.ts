// Side-by-side sheets for a person's eye: for each facecodec quality, a dozen LFW faces as rows of
// [original | facecodec | JPEG2000 | WebP], the baselines at the facecodec file's byte count (the
// largest setting not over it; WebP's smallest file where even that is larger, marked in the table).
//   npx tsx bench/sheet.ts [--model v3] [--qualities 1,15,50,90] [--faces 12] [--effort 0]
// Chips come from the LFW benchmark's cache (run `facecodec bench lfw` first). Writes
// bench/results/sheet-q<quality>.png (three blocks of four faces side by side) and sheet.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec, MODELS, DEFAULT_MODEL_ID } from '../host/codec/codec.ts';
import { encodePng } from '../host/image/codecs.ts';
import type { Image } from '../host/image/image.ts';
import { DiskCache } from './eval/cache.ts';
import { requireCachedChip } from './eval/lfw.ts';
import { parsePairs } from './eval/pairs.ts';
import { getCodec } from './eval/codecs.ts';
import { psnr } from './eval/quality.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: MODELS[DEFAULT_MODEL_ID] },
    qualities: { type: 'string', default: '1,15,50,90' },
    faces: { type: 'string', default: '12' },
    effort: { type: 'string', default: '0' },
    cache: { type: 'string', default: '.cache/lfw' },
    pairs: { type: 'string', default: '../shared/data/lfw-pairs/pairs.txt' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const C = 150;

/** One face per person, from the same-person pairs spread over the folds. */
function faces(n: number): Array<{ file: string; chip: Image }> {
  const cache = new DiskCache(values.cache!);
  const same = parsePairs(readFileSync(values.pairs!, 'utf8')).pairs.filter((p) => p.same);
  const out: Array<{ file: string; chip: Image }> = [];
  for (let i = 0; out.length < n && i < same.length; i += Math.floor(same.length / n)) {
    const file = same[i].a;
    out.push({ file, chip: requireCachedChip(cache, file, values.cache!) });
  }
  return out;
}

/** The largest file of a baseline not over `bytes` (settings searched from the smallest file up). */
async function atBytes(id: string, chip: Image, bytes: number): Promise<{ file: Uint8Array; setting: number; over: boolean }> {
  const codec = getCodec(id);
  // JPEG2000's setting is a compression ratio (higher = smaller); WebP's a quality (higher = larger).
  const grid = id === 'jpeg2000' ? Array.from({ length: 60 }, (_, k) => Math.round(600 / 1.08 ** k)) : Array.from({ length: 100 }, (_, k) => k + 1);
  let best: { file: Uint8Array; setting: number; over: boolean } | undefined;
  for (const s of grid) {
    const file = await codec.encode(chip, s);
    if (!best) best = { file, setting: s, over: file.length > bytes };
    if (file.length > bytes) break;
    best = { file, setting: s, over: false };
  }
  return best!;
}

function paste(sheet: Uint8Array, sheetW: number, img: Image, x0: number, y0: number): void {
  for (let y = 0; y < C; y++)
    for (let x = 0; x < C; x++)
      for (let c = 0; c < 3; c++) sheet[((y0 + y) * sheetW + x0 + x) * 3 + c] = img.data[(y * C + x) * img.channels + Math.min(c, img.channels - 1)];
}

const model = Object.entries(MODELS).find(([, v]) => v === values.model)?.[0];
if (!model) throw new Error(`unknown model ${values.model}`);
const codec = await loadCodec({ backend: 'wasm', modelId: Number(model) });
const list = faces(Number(values.faces));
const perBlock = Math.ceil(list.length / 3), gap = 8;
const sheetW = 3 * (4 * C) + 2 * gap, sheetH = perBlock * C;
const md = [`# Side-by-side sheets (model ${values.model}, effort ${values.effort})`, '', 'Each row: original chip | facecodec | JPEG2000 | WebP, the baselines at the largest setting whose file is not larger than facecodec\'s (* = WebP cannot go that small: its smallest file). Bytes and PSNR (dB) per face, `npx tsx bench/sheet.ts`.', ''];
mkdirSync(values.out!, { recursive: true });
for (const quality of values.qualities!.split(',').map(Number)) {
  const sheet = new Uint8Array(sheetW * sheetH * 3).fill(255);
  md.push(`## quality ${quality} (bench/results/sheet-q${quality}.png)`, '', '| face | facecodec bytes | PSNR | JPEG2000 bytes | PSNR | WebP bytes | PSNR |', '|---|---|---|---|---|---|---|');
  for (const [k, { file, chip }] of list.entries()) {
    const fc = await codec.encode(chip, { quality, effort: Number(values.effort) });
    const fcImg = await codec.decode(fc);
    const j2k = await atBytes('jpeg2000', chip, fc.length), webp = await atBytes('webp', chip, fc.length);
    const [j2kImg, webpImg] = await Promise.all([getCodec('jpeg2000').decode(j2k.file), getCodec('webp').decode(webp.file)]);
    const x0 = Math.floor(k / perBlock) * (4 * C + gap), y0 = (k % perBlock) * C;
    [chip, fcImg, j2kImg, webpImg].forEach((img, col) => paste(sheet, sheetW, img, x0 + col * C, y0));
    md.push(`| ${path.basename(file, '.jpg')} | ${fc.length} | ${psnr(chip, fcImg).toFixed(2)} | ${j2k.file.length}${j2k.over ? '*' : ''} | ${psnr(chip, j2kImg).toFixed(2)} | ${webp.file.length}${webp.over ? '*' : ''} | ${psnr(chip, webpImg).toFixed(2)} |`);
  }
  writeFileSync(path.join(values.out!, `sheet-q${quality}.png`), encodePng({ data: sheet, width: sheetW, height: sheetH, channels: 3 }));
  md.push('');
  console.log(`quality ${quality}: sheet-q${quality}.png`);
}
writeFileSync(path.join(values.out!, 'sheet.md'), md.join('\n'));
codec.dispose();
