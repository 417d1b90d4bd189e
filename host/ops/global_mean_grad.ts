// global_mean_grad (backward of global_mean): g [N,C] -> [N,H,W,C], every pixel g / (H W).
import { expectRank, intAttr, onlyKeys, type OpDef } from './op.ts';

export const globalMeanGrad: OpDef<{ height: number; width: number }> = {
  name: 'global_mean_grad',
  arity: [1, 1],
  parseAttrs(raw) {
    onlyKeys('global_mean_grad', raw, ['height', 'width']);
    return { height: intAttr('global_mean_grad', raw, 'height', undefined, 1), width: intAttr('global_mean_grad', raw, 'width', undefined, 1) };
  },
  inferShape([g], a) {
    expectRank('global_mean_grad', 'gradient', g, 2);
    return [g[0], a.height, a.width, g[1]];
  },
  ref([g], [[n, c]], out, _os, { height, width }) {
    const hw = height * width;
    for (let b = 0; b < n; b++) for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++) out[(b * hw + p) * c + ch] = g[b * c + ch] / hw;
  },
};
