// RecNet's border bias: the mean signed error (restored - original, 0..255) per channel in the 8-pixel
// bands along each edge of the chip and in the interior, over the first N distinct images of a pair
// list (default: the View 1 held-out tuning pairs), for each model and quality at effort 0. A coloured
// band along the top or left edge shows as a large bias there and not in the interior.
//   npx tsx bench/border-bias.ts [--models v4,v5] [--qualities 1,13,21,54] [--images 60]
//     [--pairs bench/view1/pairs-heldout.txt] [--cache .cache/lfw] [--out bench/results/border-bias.md]
// Chips come from the LFW benchmark's cache (run `npm run bench -- lfw --pairs <the list>` first).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCodec, MODEL_REGISTRY } from '../host/codec/codec.ts';
import type { Image } from '../host/image/image.ts';
import { DiskCache } from './eval/cache.ts';
import { CHIP, requireCachedChip } from './eval/lfw.ts';
import { parsePairs } from './eval/pairs.ts';

const BAND = 8;
const REGIONS = ['top', 'left', 'bottom', 'right', 'interior'] as const;
type Region = (typeof REGIONS)[number];

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'v4,v5' },
    qualities: { type: 'string', default: '1,13,21,54' },
    images: { type: 'string', default: '60' },
    pairs: { type: 'string', default: 'bench/view1/pairs-heldout.txt' },
    cache: { type: 'string', default: '.cache/lfw' },
    out: { type: 'string' },
  },
});

/** Corners go to the top and bottom bands. */
const regionOf = (x: number, y: number): Region => (y < BAND ? 'top' : y >= CHIP - BAND ? 'bottom' : x < BAND ? 'left' : x >= CHIP - BAND ? 'right' : 'interior');

function chips(): Image[] {
  const cache = new DiskCache(values.cache!);
  const files = [...new Set(parsePairs(readFileSync(values.pairs!, 'utf8')).pairs.flatMap((p) => [p.a, p.b]))].slice(0, Number(values.images));
  return files.map((f) => requireCachedChip(cache, f, values.cache!));
}

async function bias(model: string, quality: number, images: Image[]): Promise<Record<Region, number[]>> {
  const entry = MODEL_REGISTRY.find((m) => m.name === model);
  if (!entry) throw new Error(`unknown model ${model}`);
  const codec = await loadCodec({ backend: 'wasm', modelId: entry.id });
  const sums = Object.fromEntries(REGIONS.map((r) => [r, [0, 0, 0, 0]])) as Record<Region, number[]>;
  for (const img of images) {
    const out = await codec.decode(await codec.encode(img, { quality }));
    for (let y = 0; y < CHIP; y++)
      for (let x = 0; x < CHIP; x++) {
        const s = sums[regionOf(x, y)], p = y * CHIP + x;
        for (let c = 0; c < 3; c++) s[c] += out.data[p * out.channels + c] - img.data[p * img.channels + c];
        s[3]++;
      }
  }
  codec.dispose();
  return Object.fromEntries(REGIONS.map((r) => [r, sums[r].slice(0, 3).map((v) => v / sums[r][3])])) as Record<Region, number[]>;
}

const images = chips();
const lines = [
  `# Border bias: mean signed error (restored - original, 0..255) as R / G / B in ${BAND}-pixel edge bands`,
  '',
  `${images.length} chips of \`${values.pairs}\`, effort 0. Regenerate: \`npx tsx bench/border-bias.ts --models ${values.models} --qualities ${values.qualities} --images ${values.images}${values.out ? ` --out ${values.out}` : ''}\`.`,
  '',
  `| model | quality | ${REGIONS.join(' | ')} |`,
  `|---|---|${REGIONS.map(() => '---|').join('')}`,
];
for (const model of values.models!.split(','))
  for (const q of values.qualities!.split(',').map(Number)) {
    const b = await bias(model, q, images);
    lines.push(`| ${model} | ${q} | ${REGIONS.map((r) => b[r].map((v) => v.toFixed(1)).join(' / ')).join(' | ')} |`);
    console.log(lines[lines.length - 1]);
  }
if (values.out) writeFileSync(values.out, lines.join('\n') + '\n');
