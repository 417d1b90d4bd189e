// dense: x [N,K], w [K,M], optional b [M] -> [N,M].
import { expectChannelVector, expectRank, fail, type OpDef } from './op.ts';
import { noAttrs } from './elementwise.ts';

export const dense: OpDef<Record<string, never>> = {
  name: 'dense',
  arity: [2, 3],
  parseAttrs: noAttrs('dense'),
  inferShape([x, w, b]) {
    expectRank('dense', 'input', x, 2);
    expectRank('dense', 'weights', w, 2);
    if (w[0] !== x[1]) fail('dense', `weights [${w.join(', ')}] need dim 0 = K = ${x[1]}`);
    if (b) expectChannelVector('dense', 'bias', b, w[1]);
    return [x[0], w[1]];
  },
  ref([x, w, b], [[n, k], [, m]], out) {
    const acc = new Float64Array(m);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < m; j++) acc[j] = b ? b[j] : 0;
      for (let i = 0; i < k; i++) {
        const xv = x[r * k + i];
        for (let j = 0; j < m; j++) acc[j] += xv * w[i * m + j];
      }
      out.set(acc, r * m);
    }
  },
  flops([[n, k], [, m]]) {
    return 2 * n * k * m;
  },
};
