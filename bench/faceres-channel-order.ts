// Which channel order does HSE FaceRes-deep want? The contract says BGR (what the converter
// folds in); Human (@vladmandic/human) feeds it RGB. This scores the uncompressed LFW chips of the
// chosen folds both ways: BGR descriptors come from `bench lfw --recognizer faceres --codec none`'s
// cache (run that first), RGB ones are computed here by swapping the chip's channels before the
// converted model (which reverses them again internally). Evaluation only: this is a check of the
// recognizer's input contract, not a tuning decision for the codec.
// Run: npx tsx bench/faceres-channel-order.ts [--folds 1] [--cache .cache/lfw]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LfwBench } from './eval/lfw.ts';
import { bestThreshold, rocAuc } from './eval/metrics.ts';
import { pairImages, parsePairs } from './eval/pairs.ts';
import { cosineDistance, loadFaceres } from './eval/recognizers.ts';
import { parseFolds } from './lfw-cli.ts';
import type { Image } from '../host/image/image.ts';

const { values } = parseArgs({ options: { folds: { type: 'string', default: '1' }, cache: { type: 'string', default: '.cache/lfw' }, pairs: { type: 'string', default: '../shared/data/lfw-pairs/pairs.txt' } } });
const folds = parseFolds(values.folds!, 10);
const pairs = parsePairs(readFileSync(values.pairs!, 'utf8')).pairs.filter((p) => folds.includes(p.fold));
const images = pairImages(pairs);
const rec = await loadFaceres({});
const bench = new LfwBench('', values.cache!, {} as never, rec);
const bgr = new Map(images.map((f) => {
  const r = bench.result('none', 0, f);
  if (!r) throw new Error(`no cached faceres descriptor for ${f}: run bench lfw --recognizer faceres --codec none first`);
  return [f, Float32Array.from(r.subarray(3))];
}));
const swap = (img: Image): Image => ({ ...img, data: img.data.map((_, i) => img.data[i - (i % 3) + 2 - (i % 3)]) });
const rgb = new Map<string, Float32Array>();
const t0 = performance.now();
for (let i = 0; i < images.length; i += 16) {
  const files = images.slice(i, i + 16);
  (await rec.embedBatch(files.map((f) => swap(bench.chip(f)!)))).forEach((d, k) => rgb.set(files[k], d));
}
for (const [name, desc] of [['BGR (contract)', bgr], ['RGB (as Human feeds it)', rgb]] as const) {
  const scored = pairs.map((p) => ({ distance: cosineDistance(desc.get(p.a)!, desc.get(p.b)!), same: p.same, fold: p.fold }));
  console.log(`${name}: ${pairs.length} pairs, best-threshold accuracy ${(100 * bestThreshold(scored).accuracy).toFixed(2)}%, ROC AUC ${rocAuc(scored).toFixed(4)}`);
}
console.log(`(${images.length} images embedded in ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
