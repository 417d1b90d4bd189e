// slice channels [start, end) of the last axis.
import { fail, intAttr, onlyKeys, type OpDef } from './op.ts';

export const slice: OpDef<{ start: number; end: number }> = {
  name: 'slice',
  arity: [1, 1],
  parseAttrs(raw) {
    onlyKeys('slice', raw, ['start', 'end']);
    const start = intAttr('slice', raw, 'start', undefined);
    const end = intAttr('slice', raw, 'end', undefined);
    if (end <= start) fail('slice', `end ${end} must be > start ${start}`);
    return { start, end };
  },
  inferShape([x], { start, end }) {
    const c = x[x.length - 1];
    if (end > c) fail('slice', `end ${end} exceeds ${c} channels`);
    return [...x.slice(0, -1), end - start];
  },
  ref([x], [xs], out, _os, { start, end }) {
    const c = xs[xs.length - 1], oc = end - start;
    for (let p = 0; p < x.length / c; p++) out.set(x.subarray(p * c + start, p * c + end), p * oc);
  },
};
