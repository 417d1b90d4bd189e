// The small-payload deflate encoder against fflate (level 9) and zopfli (@gfx/zopfli, 15 iterations,
// block splitting) on the codec's own IDAT payloads: the filtered scanlines facecodec chose for each
// chip, the same bytes given to each compressor. Mean zlib stream bytes and ms per payload.
//   npx tsx bench/deflate.ts [--model v3] [--qualities 1,15,50,90] [--images 100] [--cache .cache/lfw]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { unzlibSync, zlibSync } from 'fflate';
import { zlibAsync } from '@gfx/zopfli';
import { loadCodec, parseContainer, MODELS, DEFAULT_MODEL_ID } from '../host/codec/codec.ts';
import { zlibSmall } from '../host/codec/deflate.ts';
import { planeStartRows } from '../host/codec/layout.ts';
import { DiskCache } from './eval/cache.ts';
import { requireCachedChip } from './eval/lfw.ts';
import { parsePairs, pairImages } from './eval/pairs.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: MODELS[DEFAULT_MODEL_ID] },
    qualities: { type: 'string', default: '1,15,50,90' },
    images: { type: 'string', default: '100' },
    cache: { type: 'string', default: '.cache/lfw' },
    pairs: { type: 'string', default: '../shared/data/lfw-pairs/pairs.txt' },
    out: { type: 'string' },
  },
});

const cache = new DiskCache(values.cache!);
const files = pairImages(parsePairs(readFileSync(values.pairs!, 'utf8')).pairs).slice(0, Number(values.images));
const chips = files.map((f) => requireCachedChip(cache, f, values.cache!));
const modelId = Number(Object.entries(MODELS).find(([, v]) => v === values.model)?.[0]);
const codec = await loadCodec({ modelId });

/** The IDAT payload (zlib stream) of a PNG. */
function idat(png: Uint8Array): Uint8Array {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let p = 8; p < png.length; p += 12 + dv.getUint32(p)) if (String.fromCharCode(...png.subarray(p + 4, p + 8)) === 'IDAT') return png.subarray(p + 8, p + 8 + dv.getUint32(p));
  throw new Error('no IDAT');
}

const lines = [`# Deflate on facecodec payloads (model ${values.model}, ${chips.length} LFW chips; mean zlib bytes, ms per payload)`, '', '| quality | raw bytes | fflate level 9 | ours | ours ms | zopfli (15 it.) | zopfli ms |', '|---|---|---|---|---|---|---|'];
for (const quality of values.qualities!.split(',').map(Number)) {
  const sum = { raw: 0, fflate: 0, ours: 0, oursMs: 0, zopfli: 0, zopfliMs: 0 };
  for (let i = 0; i < chips.length; i += 8) {
    for (const png of await codec.encodeBatch(chips.slice(i, i + 8), { quality })) {
      const raw = unzlibSync(idat(png));
      const { image, h, w, layout } = parseContainer(png, 1e7);
      const stride = Math.ceil((image.width * image.depth) / 8) + 1;
      const splits = planeStartRows(layout, h, w).map((y) => [y * stride]);
      sum.raw += raw.length;
      sum.fflate += zlibSync(raw, { level: 9 }).length;
      let t = performance.now();
      sum.ours += zlibSmall(raw, { splits }).length;
      sum.oursMs += performance.now() - t;
      t = performance.now();
      sum.zopfli += (await zlibAsync(raw, { numiterations: 15 })).length;
      sum.zopfliMs += performance.now() - t;
    }
  }
  const m = (v: number) => (v / chips.length).toFixed(1);
  lines.push(`| ${quality} | ${m(sum.raw)} | ${m(sum.fflate)} | ${m(sum.ours)} | ${m(sum.oursMs)} | ${m(sum.zopfli)} | ${m(sum.zopfliMs)} |`);
  console.log(lines[lines.length - 1]);
}
codec.dispose();
if (values.out) writeFileSync(values.out, lines.join('\n') + '\n');
