import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accuracyAt, bdRate, bestThreshold, foldAccuracy, monotoneCurve, pchip, rocAuc, tarAtFar, type Scored } from '../../bench/eval/metrics.ts';
import { parsePairs } from '../../bench/eval/pairs.ts';
import { close } from '../helpers.ts';

/** 10 folds of 6 pairs: same at 0.2, 0.3, 0.4, different at 0.7, 0.8, 0.9. */
function separable(): Scored[] {
  const out: Scored[] = [];
  for (let f = 0; f < 10; f++) for (const d of [0.2, 0.3, 0.4, 0.7, 0.8, 0.9]) out.push({ distance: d, same: d < 0.5, fold: f });
  return out;
}

test('bestThreshold: midpoint of the best gap; ties on equal distances are not split', () => {
  const r = bestThreshold(separable());
  close([r.threshold, r.accuracy], [0.55, 1], 1e-12);
  // Same and different pair at the same distance: cannot be separated, one of the two is wrong.
  const t = bestThreshold([{ distance: 1, same: true, fold: 0 }, { distance: 1, same: false, fold: 0 }, { distance: 0.5, same: true, fold: 0 }]);
  assert.is(t.accuracy, 2 / 3);
  assert.is(accuracyAt([{ distance: 1, same: true, fold: 0 }], 1), 0); // same iff d < t
});

test('fold protocol: perfect folds give 100% with std 0; known errors give known fold accuracies', () => {
  const perfect = foldAccuracy(separable());
  assert.equal(perfect.accuracies, new Array(10).fill(1));
  assert.is(perfect.std, 0);
  // Fold 3 gets one same pair far away (0.95): misclassified by any threshold learnt on the other folds.
  const pairs = separable();
  pairs.find((p) => p.fold === 3 && p.same)!.distance = 0.95;
  const r = foldAccuracy(pairs);
  assert.is(r.accuracies[3], 5 / 6);
  // The other folds learn on 54 pairs with one outlier: best threshold stays in (0.4, 0.7), all correct.
  assert.ok(r.accuracies.every((a, i) => i === 3 || a === 1));
  const mean = (9 + 5 / 6) / 10;
  close([r.mean, r.std], [mean, Math.sqrt(((1 - mean) ** 2 * 9 + (5 / 6 - mean) ** 2) / 9)], 1e-12);
  // The threshold for fold k is learnt without fold k: a fold whose own optimum differs is penalised.
  const shifted: Scored[] = [];
  for (let f = 0; f < 10; f++) for (const d of f === 0 ? [0.6, 0.65, 0.68, 0.9, 0.95, 0.99] : [0.2, 0.3, 0.4, 0.5, 0.52, 0.9]) shifted.push({ distance: d, same: f === 0 ? d < 0.7 : d < 0.45, fold: f });
  const s = foldAccuracy(shifted);
  assert.is(s.accuracies[0], 0.5); // threshold ~0.46 from the others: fold 0's same pairs are all rejected
});

test('ROC AUC (Mann-Whitney with half ties) and TAR at FAR', () => {
  const P = (d: number, same: boolean): Scored => ({ distance: d, same, fold: 0 });
  assert.is(rocAuc([P(1, true), P(2, true), P(1.5, false), P(3, false)]), 0.75);
  assert.is(rocAuc([P(1, true), P(1, false)]), 0.5);
  assert.is(rocAuc(separable()), 1);
  const neg = Array.from({ length: 100 }, (_, i) => P(i + 1, false));
  assert.is(tarAtFar([...neg, P(0.5, true), P(1.5, true), P(2.5, true)], 1e-2), 2 / 3); // t = 2: one negative (d=1) accepted
  assert.is(tarAtFar([...neg, P(0.5, true), P(1.5, true), P(2.5, true)], 0), 1 / 3);
});

test('Bjontegaard: a curve needing half (double) the bits at every accuracy saves 50% (costs 100%)', () => {
  const anchor = [0.1, 0.2, 0.4, 0.8, 1.6].map((b) => ({ bpp: b, quality: 90 + 2 * Math.log2(b / 0.1) }));
  const half = anchor.map((p) => ({ bpp: p.bpp / 2, quality: p.quality }));
  close([bdRate(anchor, half)!], [-0.5], 1e-9);
  close([bdRate(anchor, anchor.map((p) => ({ bpp: p.bpp * 2, quality: p.quality })))!], [1], 1e-9);
  // Sampled at other qualities on the same log-linear law, 20% fewer bits: exact for PCHIP on linear data.
  const other = [91, 93.5, 96, 98.5].map((q) => ({ bpp: 0.8 * 0.1 * 2 ** ((q - 90) / 2), quality: q }));
  close([bdRate(anchor, other)!], [-0.2], 1e-9);
  // No overlap in quality -> null; a non-monotone point is dropped.
  assert.is(bdRate(anchor, [{ bpp: 1, quality: 50 }, { bpp: 2, quality: 60 }]), null);
  assert.equal(monotoneCurve([{ bpp: 0.1, quality: 90 }, { bpp: 0.2, quality: 89 }, { bpp: 0.3, quality: 95 }]).map((p) => p.bpp), [0.1, 0.3]);
  const f = pchip([0, 1, 2, 3], [0, 1, 1, 2]);
  close([f(0), f(1), f(1.5), f(3)], [0, 1, 1, 2], 1e-12); // monotone: no overshoot on the flat piece
});

test('pairs files: View 2 folds, View 1 round-robin folds, image paths', () => {
  const v2 = parsePairs('2\t1\nA\t1\t2\nA\t1\tB\t3\nC\t4\t12\nC\t1\tD\t1\n');
  assert.is(v2.folds, 2);
  assert.equal(v2.pairs.map((p) => [p.fold, p.same]), [[0, true], [0, false], [1, true], [1, false]]);
  assert.is(v2.pairs[0].b, 'A/A_0002.jpg');
  assert.is(v2.pairs[1].b, 'B/B_0003.jpg');
  const v1 = parsePairs('1\nA\t1\t2\nB\t1\tC\t2\n');
  assert.equal(v1.pairs.map((p) => p.fold), [0, 1]);
  assert.throws(() => parsePairs('2\t1\nA\t1\t2\n'), /found 1 lines/);
});

test.run();
