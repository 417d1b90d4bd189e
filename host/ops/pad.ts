// pad: x [N,H,W,C] -> [N, H+t+b, W+l+r, C+before+after], filled with `value`.
// Spatial pads are asymmetric; channel pads give the zero-padded shortcut of ResNet downsampling.
import { expectRank, fail, numAttr, onlyKeys, type OpDef } from './op.ts';

export interface PadAttrs {
  /** [top, bottom, left, right] */
  pads: [number, number, number, number];
  /** [before, after] along C */
  channels: [number, number];
  value: number;
}

function intList(raw: unknown, len: number, key: string, def: number[]): number[] {
  const v = raw ?? def;
  if (!Array.isArray(v) || v.length !== len || !v.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail('pad', `attribute "${key}" must be ${len} non-negative integers, got ${JSON.stringify(raw)}`);
  }
  return v;
}

export const pad: OpDef<PadAttrs> = {
  name: 'pad',
  arity: [1, 1],
  parseAttrs(raw) {
    onlyKeys('pad', raw, ['pads', 'channels', 'value']);
    return {
      pads: intList(raw.pads, 4, 'pads', [0, 0, 0, 0]) as PadAttrs['pads'],
      channels: intList(raw.channels, 2, 'channels', [0, 0]) as PadAttrs['channels'],
      value: numAttr('pad', raw, 'value', 0),
    };
  },
  inferShape([x], { pads: [t, b, l, r], channels: [cb, ca] }) {
    expectRank('pad', 'input', x, 4);
    return [x[0], x[1] + t + b, x[2] + l + r, x[3] + cb + ca];
  },
  ref([x], [[n, h, w, c]], out, [, oh, ow, oc], { pads: [t, , l], channels: [cb], value }) {
    out.fill(value);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) {
          const src = ((b * h + y) * w + xx) * c;
          out.set(x.subarray(src, src + c), ((b * oh + y + t) * ow + xx + l) * oc + cb);
        }
  },
};
