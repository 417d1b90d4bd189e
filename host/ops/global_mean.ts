// global_mean: x [N,H,W,C] -> [N,C], the mean over all pixels.
import { expectRank, type OpDef } from './op.ts';
import { noAttrs } from './elementwise.ts';

export const globalMean: OpDef<Record<string, never>> = {
  name: 'global_mean',
  arity: [1, 1],
  parseAttrs: noAttrs('global_mean'),
  inferShape([x]) {
    expectRank('global_mean', 'input', x, 4);
    return [x[0], x[3]];
  },
  ref([x], [[n, h, w, c]], out) {
    const acc = new Float64Array(c);
    for (let b = 0; b < n; b++) {
      acc.fill(0);
      for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) acc[ch] += x[(b * h * w + p) * c + ch];
      for (let ch = 0; ch < c; ch++) out[b * c + ch] = acc[ch] / (h * w);
    }
  },
};
