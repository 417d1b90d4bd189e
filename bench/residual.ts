// The residual tier (host/codec/residual.ts) measured: bytes per pixel and PSNR per quality around and
// inside the tier, and what the fcRs chunk costs, on LFW View 1 held-out chips (tuning happens on
// View 1, never View 2) from the LFW benchmark's cache, else on the bundled samples. Encode times are
// wall clock on whatever else the machine runs.
//   npx tsx bench/residual.ts [--model 3] [--qualities 80,90,91,95,100] [--images 200] [--cache .cache/lfw]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec, parseContainer, residualTierAt } from '../host/codec/codec.ts';
import { decodeImage } from '../host/image/codecs.ts';
import { toRgbFloat, type Image } from '../host/image/image.ts';
import { DiskCache } from './eval/cache.ts';
import { cachedChip } from './eval/lfw.ts';
import { parsePairs, pairImages } from './eval/pairs.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    qualities: { type: 'string', default: '80,85,90,91,93,95,97,99,100' },
    images: { type: 'string', default: '200' },
    cache: { type: 'string', default: '.cache/lfw' },
    pairs: { type: 'string', default: 'bench/view1/pairs-heldout.txt' },
  },
});

function chips(): { chips: Image[]; source: string } {
  const cache = new DiskCache(values.cache!);
  const files = pairImages(parsePairs(readFileSync(values.pairs!, 'utf8')).pairs);
  const out = files.map((f) => cachedChip(cache, f)).filter((c): c is Image => !!c).slice(0, Number(values.images));
  if (out.length > 0) return { chips: out, source: `${out.length} aligned LFW chips of ${values.pairs} from ${values.cache}` };
  const dir = path.join(import.meta.dirname, '../samples');
  return { chips: readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => decodeImage(readFileSync(path.join(dir, f)))), source: 'the bundled samples' };
}

/** PSNR of a restored RGB image against the original, over all samples. */
export function psnr(a: Image, b: { data: Uint8Array }): number {
  const x = toRgbFloat(a);
  let se = 0;
  for (let i = 0; i < x.length; i++) se += (x[i] - b.data[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / x.length));
}

const { chips: images, source } = chips();
const codec = await loadCodec({ modelId: values.model ? Number(values.model) : undefined });
console.log(`# Residual tier: model ${codec.modelId}, ${source}\n`);
console.log('| quality | code quality | residual steps (luma, chroma) | bpp | fcRs bpp | PSNR dB (mean of per-image) | PSNR min | encode ms per chip (batches of 16) |');
console.log('|---:|---:|---|---:|---:|---:|---:|---:|');
for (const q of values.qualities!.split(',').map(Number)) {
  let bytes = 0, rsBytes = 0, sum = 0, min = Infinity, pixels = 0, ms = 0;
  for (let s = 0; s < images.length; s += 16) {
    const batch = images.slice(s, s + 16);
    const t0 = performance.now();
    const files = await codec.encodeBatch(batch, { quality: q });
    ms += performance.now() - t0;
    const out = await codec.decodeBatch(files);
    files.forEach((f, k) => {
      bytes += f.length;
      rsBytes += parseContainer(f, {}, codec.contract).residual?.info.bytes ?? 0;
      pixels += batch[k].width * batch[k].height;
      const p = psnr(batch[k], out[k]);
      sum += p;
      min = Math.min(min, p);
    });
  }
  const st = residualTierAt(codec.contract, q);
  const f = (v: number, d: number) => v.toFixed(d);
  console.log(`| ${q} | ${st?.codeQuality ?? q} | ${st ? `${st.luma}, ${st.chroma}` : '-'} | ${f((bytes * 8) / pixels, 3)} | ${f((rsBytes * 8) / pixels, 3)} | ${f(sum / images.length, 2)} | ${f(min, 2)} | ${f(ms / images.length, 0)} |`);
}
codec.dispose();
