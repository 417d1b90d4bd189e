// channel_sum: x [..., C] -> [C], the sum over every position (the gradient of a per-channel
// parameter: bias, affine's scale and shift).
import { fail, type OpDef } from './op.ts';
import { noAttrs } from './elementwise.ts';

export const channelSum: OpDef<Record<string, never>> = {
  name: 'channel_sum',
  arity: [1, 1],
  parseAttrs: noAttrs('channel_sum'),
  inferShape([x]) {
    if (x.length < 1) fail('channel_sum', 'input must have rank >= 1');
    return [x[x.length - 1]];
  },
  ref([x], [xs], out) {
    const c = xs[xs.length - 1];
    const acc = new Float64Array(c);
    for (let i = 0; i < x.length; i++) acc[i % c] += x[i];
    out.set(acc);
  },
};
