// crop (the backward of pad): x [N,H,W,C] -> [N, H-t-b, W-l-r, C-before-after], the inner block.
import { expectRank, fail, onlyKeys, type OpDef } from './op.ts';
import type { PadAttrs } from './pad.ts';

export type CropAttrs = Omit<PadAttrs, 'value'>;

function ints(raw: unknown, len: number, key: string): number[] {
  const v = raw ?? new Array(len).fill(0);
  if (!Array.isArray(v) || v.length !== len || !v.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('crop', `attribute "${key}" must be ${len} non-negative integers, got ${JSON.stringify(raw)}`);
  return v;
}

export const crop: OpDef<CropAttrs> = {
  name: 'crop',
  arity: [1, 1],
  parseAttrs(raw) {
    onlyKeys('crop', raw, ['pads', 'channels']);
    return { pads: ints(raw.pads, 4, 'pads') as CropAttrs['pads'], channels: ints(raw.channels, 2, 'channels') as CropAttrs['channels'] };
  },
  inferShape([x], { pads: [t, b, l, r], channels: [cb, ca] }) {
    expectRank('crop', 'input', x, 4);
    const s = [x[0], x[1] - t - b, x[2] - l - r, x[3] - cb - ca];
    if (s.some((d) => d < 1)) fail('crop', `cropping [${x.join(', ')}] by pads ${JSON.stringify([t, b, l, r])} channels ${JSON.stringify([cb, ca])} leaves nothing`);
    return s;
  },
  ref([x], [[, h, w, c]], out, [n, oh, ow, oc], { pads: [t, , l], channels: [cb] }) {
    for (let b = 0; b < n; b++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          const src = ((b * h + y + t) * w + xx + l) * c + cb;
          out.set(x.subarray(src, src + oc), ((b * oh + y) * ow + xx) * oc);
        }
  },
};
