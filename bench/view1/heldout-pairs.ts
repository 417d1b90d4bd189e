// View 1 pairs for tuning the codec's training (issue #7): pairsDevTrain + pairsDevTest without any pair
// that touches an image a codec trained on (every committed weights/*-train-manifest.txt), balanced to
// equal same/different counts, written in View 1 format (count, same lines, different lines).
//   npx tsx bench/view1/heldout-pairs.ts > bench/view1/pairs-heldout.txt
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePairs, type Pair } from '../eval/pairs.ts';

const root = path.join(import.meta.dirname, '../..');
const lists = path.join(root, '../shared/data/lfw-pairs');
const trained = new Set<string>();
for (const m of readdirSync(path.join(root, 'weights')).filter((f) => f.endsWith('-train-manifest.txt')))
  for (const line of readFileSync(path.join(root, 'weights', m), 'utf8').split('\n')) if (line.startsWith('lfw/')) trained.add(line.slice(4).trim());
const pairs = ['pairsDevTrain.txt', 'pairsDevTest.txt'].flatMap((f) => parsePairs(readFileSync(path.join(lists, f), 'utf8')).pairs);
const clean = pairs.filter((p) => !trained.has(p.a) && !trained.has(p.b));
const same = clean.filter((p) => p.same), diff = clean.filter((p) => !p.same);
const n = Math.min(same.length, diff.length);
const name = (f: string) => path.basename(path.dirname(f));
const num = (f: string) => Number(/_(\d+)\.\w+$/.exec(f)![1]);
const line = (p: Pair) => (p.same ? `${name(p.a)}\t${num(p.a)}\t${num(p.b)}` : `${name(p.a)}\t${num(p.a)}\t${name(p.b)}\t${num(p.b)}`);
console.error(`${pairs.length} View 1 pairs, ${clean.length} without trained images; keeping ${n} same + ${n} different`);
console.log([String(n), ...same.slice(0, n).map(line), ...diff.slice(0, n).map(line)].join('\n'));
