// The same/different threshold for `facecodec compare`: the euclidean distance that maximises
// verification accuracy on LFW View 1's training pairs (pairsDevTrain.txt), with the benchmark's
// alignment and uncompressed chips. View 2 is never used for this.
// Run: npx tsx bench/calibrate-threshold.ts [--data DIR] [--pairs pairsDevTrain.txt] [--cache .cache/lfw]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getCodec } from './eval/codecs.ts';
import { LfwBench } from './eval/lfw.ts';
import { bestThreshold } from './eval/metrics.ts';
import { pairImages, parsePairs } from './eval/pairs.ts';
import { distance } from '../host/models/recognizer.ts';
import { loadEvalRecognizer } from './eval/recognizers.ts';
import { loadLandmarks } from '../host/models/landmarks.ts';

const shared = path.join(import.meta.dirname, '../../shared/data');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join(shared, 'lfw-deepfunneled') },
    pairs: { type: 'string', default: path.join(shared, 'lfw-pairs/pairsDevTrain.txt') },
    cache: { type: 'string', default: path.join(import.meta.dirname, '../.cache/lfw') },
  },
});
const { pairs } = parsePairs(readFileSync(values.pairs!, 'utf8'));
const images = pairImages(pairs);
const bench = new LfwBench(values.data!, values.cache!, await loadLandmarks(), await loadEvalRecognizer('dlib'));
await bench.prepareChips(images);
const none = getCodec('none');
await bench.runSetting(none, 0, images, pairs);
const desc = (f: string) => bench.result('none', 0, f)!.subarray(3) as unknown as Float32Array;
const scored = pairs.map((p) => ({ distance: distance(desc(p.a), desc(p.b)), same: p.same, fold: p.fold }));
const { threshold, accuracy } = bestThreshold(scored);
console.log(JSON.stringify({ pairs: pairs.length, images: images.length, threshold: +threshold.toFixed(4), accuracy: +accuracy.toFixed(4) }));
