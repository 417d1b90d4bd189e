// Verification metrics on pair distances (same person when distance < threshold), and the
// Bjontegaard-style rate comparison between two rate-accuracy curves.

export interface Scored {
  distance: number;
  same: boolean;
  fold: number;
}

/** Threshold maximising accuracy (same iff d < t) on the given pairs; ties keep the smallest such t. */
export function bestThreshold(pairs: Scored[]): { threshold: number; accuracy: number } {
  const s = [...pairs].sort((x, y) => x.distance - y.distance);
  const nNeg = s.filter((p) => !p.same).length;
  // t below everything: every pair called different -> correct = nNeg.
  let correct = nNeg, best = correct, bestT = s.length ? s[0].distance - 1e-9 : 0;
  for (let i = 0; i < s.length; i++) {
    correct += s[i].same ? 1 : -1; // s[i] now called same
    if (i + 1 < s.length && s[i + 1].distance === s[i].distance) continue;
    if (correct > best) {
      best = correct;
      bestT = i + 1 < s.length ? (s[i].distance + s[i + 1].distance) / 2 : s[i].distance + 1e-9;
    }
  }
  return { threshold: bestT, accuracy: s.length ? best / s.length : 0 };
}

export const accuracyAt = (pairs: Scored[], t: number) => pairs.filter((p) => (p.distance < t) === p.same).length / pairs.length;

export interface FoldResult {
  /** Per held-out fold accuracy. */
  accuracies: number[];
  thresholds: number[];
  mean: number;
  /** Sample standard deviation (n - 1) over folds. */
  std: number;
}

/** The LFW protocol: for each fold, the threshold that maximises accuracy on the other folds, applied to it. */
export function foldAccuracy(pairs: Scored[], folds?: number[]): FoldResult {
  const ids = folds ?? [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  if (ids.length < 2) throw new Error('the fold protocol needs at least 2 folds');
  const accuracies: number[] = [], thresholds: number[] = [];
  for (const f of ids) {
    const train = pairs.filter((p) => p.fold !== f), test = pairs.filter((p) => p.fold === f);
    const { threshold } = bestThreshold(train);
    thresholds.push(threshold);
    accuracies.push(accuracyAt(test, threshold));
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const std = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (accuracies.length - 1));
  return { accuracies, thresholds, mean, std };
}

/** ROC AUC with score = -distance (Mann-Whitney U; ties count one half). */
export function rocAuc(pairs: Scored[]): number {
  const s = [...pairs].sort((x, y) => x.distance - y.distance);
  const nPos = s.filter((p) => p.same).length, nNeg = s.length - nPos;
  if (!nPos || !nNeg) throw new Error('AUC needs both same and different pairs');
  // Count, for each positive, negatives with larger distance (+ half the ties).
  let u = 0, negSeen = 0;
  for (let i = 0; i < s.length; ) {
    let j = i, pos = 0, neg = 0;
    while (j < s.length && s[j].distance === s[i].distance) (s[j++].same ? pos++ : neg++);
    u += pos * (nNeg - negSeen - neg) + pos * neg * 0.5;
    negSeen += neg;
    i = j;
  }
  return u / (nPos * nNeg);
}

/** True accept rate at the largest threshold whose false accept rate (different pairs with d < t) is <= far. */
export function tarAtFar(pairs: Scored[], far: number): number {
  const neg = pairs.filter((p) => !p.same).map((p) => p.distance).sort((a, b) => a - b);
  const pos = pairs.filter((p) => p.same).map((p) => p.distance);
  const k = Math.floor(far * neg.length); // at most k negatives accepted
  const t = k < neg.length ? neg[k] : Infinity; // d < neg[k] accepts exactly the k smallest (ties: fewer)
  return pos.filter((d) => d < t).length / pos.length;
}

export interface RatePoint {
  bpp: number;
  quality: number;
}

/**
 * Keeps the points where quality improves with rate (sorted by bpp, each point better than every
 * cheaper one): a non-monotone wiggle would make log-rate as a function of quality ambiguous.
 */
export function monotoneCurve(points: RatePoint[]): RatePoint[] {
  const s = [...points].filter((p) => p.bpp > 0 && Number.isFinite(p.quality)).sort((a, b) => a.bpp - b.bpp);
  const out: RatePoint[] = [];
  for (const p of s) if (!out.length || p.quality > out[out.length - 1].quality) out.push(p);
  return out;
}

/** Monotone piecewise-cubic (Fritsch-Carlson / PCHIP) interpolant through (x, y), x strictly increasing. */
export function pchip(xs: number[], ys: number[]): (x: number) => number {
  const n = xs.length;
  if (n < 2) throw new Error('pchip needs 2 points');
  const h = xs.slice(1).map((x, i) => x - xs[i]);
  const delta = h.map((hi, i) => (ys[i + 1] - ys[i]) / hi);
  const d = new Array<number>(n);
  if (n === 2) d[0] = d[1] = delta[0];
  else {
    for (let i = 1; i < n - 1; i++) {
      if (delta[i - 1] * delta[i] <= 0) d[i] = 0;
      else {
        const w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1];
        d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
      }
    }
    const end = (h0: number, h1: number, d0: number, d1: number) => {
      let v = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
      if (Math.sign(v) !== Math.sign(d0)) v = 0;
      else if (Math.sign(d0) !== Math.sign(d1) && Math.abs(v) > Math.abs(3 * d0)) v = 3 * d0;
      return v;
    };
    d[0] = end(h[0], h[1], delta[0], delta[1]);
    d[n - 1] = end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
  }
  return (x: number) => {
    let i = 0;
    while (i < n - 2 && x > xs[i + 1]) i++;
    const t = (x - xs[i]) / h[i], t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * ys[i] + (t3 - 2 * t2 + t) * h[i] * d[i] + (-2 * t3 + 3 * t2) * ys[i + 1] + (t3 - t2) * h[i] * d[i + 1];
  };
}

/**
 * Bjontegaard-style average bitrate difference of `test` against `anchor` at equal quality: log10(bpp)
 * interpolated (PCHIP) as a function of quality on each curve, the difference averaged over the
 * overlapping quality range, returned as a fraction (-0.3 = 30% fewer bits than the anchor). Null when
 * the curves do not overlap or have fewer than 2 monotone points.
 */
export function bdRate(anchor: RatePoint[], test: RatePoint[]): number | null {
  const a = monotoneCurve(anchor), b = monotoneCurve(test);
  if (a.length < 2 || b.length < 2) return null;
  const lo = Math.max(a[0].quality, b[0].quality), hi = Math.min(a[a.length - 1].quality, b[b.length - 1].quality);
  if (!(hi > lo)) return null;
  const fa = pchip(a.map((p) => p.quality), a.map((p) => Math.log10(p.bpp)));
  const fb = pchip(b.map((p) => p.quality), b.map((p) => Math.log10(p.bpp)));
  // Simpson's rule on 1000 intervals.
  const n = 1000, step = (hi - lo) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const q = lo + i * step;
    sum += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * (fb(q) - fa(q));
  }
  return 10 ** ((sum * step) / 3 / (hi - lo)) - 1;
}
