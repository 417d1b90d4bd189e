// Alignment tuning on LFW View 1 only (pairsDevTrain + pairsDevTest; never View 2): aligns every
// referenced image with each candidate face-box configuration, embeds, and prints the 10-fold
// accuracy on View 1 pairs. Usage:
//   npx tsx bench/lfw-tune.ts [--data DIR] [--view1 DIR] [--files pairsDevTest.txt] [fraction,dy,passes ...]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../host/image/codecs.ts';
import { loadLandmarks } from '../host/models/landmarks.ts';
import { alignBatch, centralBox } from '../host/models/align.ts';
import { loadRecognizer, distance } from '../host/models/recognizer.ts';
import { parsePairs, pairImages } from './eval/pairs.ts';
import { foldAccuracy, rocAuc } from './eval/metrics.ts';

const { values, positionals } = parseArgs({ options: { data: { type: 'string', default: '../shared/data/lfw-deepfunneled' }, view1: { type: 'string', default: '../shared/data/lfw-pairs' }, files: { type: 'string' } }, allowPositionals: true });
const pairs = (values.files ?? 'pairsDevTrain.txt,pairsDevTest.txt').split(',').flatMap((f) => parsePairs(readFileSync(path.join(values.view1!, f), 'utf8')).pairs);
const files = pairImages(pairs);
console.log(`View 1: ${pairs.length} pairs, ${files.length} images`);
const images = files.map((f) => decodeImage(readFileSync(path.join(values.data!, f))));
const det = await loadLandmarks();
const rec = await loadRecognizer();
for (const cfg of positionals.length ? positionals : ['0.48,0.04,1']) {
  const [fraction, dy, passes] = cfg.split(',').map(Number);
  const t0 = performance.now();
  const desc = new Map<string, Float32Array>();
  for (let i = 0; i < files.length; i += 64) {
    const items = images.slice(i, i + 64).map((image) => ({ image, box: centralBox(image.width, image.height, fraction, dy) }));
    const chips = await alignBatch(det, items, { passes });
    const ds = await rec.embedBatch(chips.map((c) => c.chip));
    ds.forEach((d, k) => desc.set(files[i + k], d));
  }
  const scored = pairs.map((p, i) => ({ distance: distance(desc.get(p.a)!, desc.get(p.b)!), same: p.same, fold: i % 10 }));
  const r = foldAccuracy(scored);
  console.log(`box fraction ${fraction} dy ${dy} passes ${passes}: accuracy ${(100 * r.mean).toFixed(2)}% +- ${(100 * r.std).toFixed(2)}, AUC ${rocAuc(scored).toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
