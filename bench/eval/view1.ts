// The tuning chips the dev tools measure on: aligned LFW View 1 held-out chips (bench/view1/,
// never View 2), the first `count` images of the pairs list, aligned once and cached by LfwBench.
import { readFileSync } from 'node:fs';
import type { Image } from '../../host/image/image.ts';
import { loadLandmarks } from '../../host/models/landmarks.ts';
import { LfwBench } from './lfw.ts';
import { loadEvalRecognizer, type EvalRecognizer } from './recognizers.ts';
import { parsePairs, pairImages } from './pairs.ts';

/** parseArgs options for where the chips come from (spread into a tool's own options). */
export const VIEW1_OPTIONS = {
  data: { type: 'string', default: '../shared/data/lfw-deepfunneled' },
  pairs: { type: 'string', default: 'bench/view1/pairs-heldout.txt' },
  cache: { type: 'string', default: '.cache/lfw' },
} as const;

/** The first `count` images of the pairs list as aligned chips; `recognizer` (default dlib's) is the one LfwBench keeps for its bookkeeping. */
export async function view1Chips(o: { data?: string; pairs?: string; cache?: string }, count: number, recognizer?: EvalRecognizer): Promise<Image[]> {
  const files = pairImages(parsePairs(readFileSync(o.pairs ?? VIEW1_OPTIONS.pairs.default, 'utf8')).pairs).slice(0, count);
  const bench = new LfwBench(o.data ?? VIEW1_OPTIONS.data.default, o.cache ?? VIEW1_OPTIONS.cache.default, await loadLandmarks(), recognizer ?? (await loadEvalRecognizer('dlib')));
  await bench.prepareChips(files);
  return files.map((f) => bench.chip(f)!);
}
