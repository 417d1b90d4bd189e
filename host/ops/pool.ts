// Shared sliding-window pooling for maxpool and avgpool: x [N,H,W,C] -> [N,OH,OW,C].
// Padded cells never contribute: maxpool ignores them, avgpool divides by the count of real cells
// (TensorFlow's convention), so 'same' pooling does not darken borders.
import { expectRank, onlyKeys, pairAttr, paddingAttr, slidingWindow, type OpDef, type Padding, type Shape, type Window } from './op.ts';

export interface PoolAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

export function poolOp(name: string, kind: 'max' | 'avg'): OpDef<PoolAttrs> {
  const poolWindow = ([x]: Shape[], a: PoolAttrs): Window => slidingWindow(name, x[1], x[2], a.kernel, a.stride, a.padding);
  return {
    name,
    arity: [1, 1],
    parseAttrs(raw) {
      onlyKeys(name, raw, ['kernel', 'stride', 'padding']);
      const kernel = pairAttr(name, raw, 'kernel', undefined);
      return { kernel, stride: pairAttr(name, raw, 'stride', kernel), padding: paddingAttr(name, raw) };
    },
    inferShape([x], a) {
      expectRank(name, 'input', x, 4);
      const win = poolWindow([x], a);
      return [x[0], win.outH, win.outW, x[3]];
    },
    window: poolWindow,
    ref([x], [xs], out, os, a) {
      const [n, h, w, c] = xs;
      const [, oh, ow] = os;
      const { top, left } = poolWindow([xs], a);
      for (let b = 0; b < n; b++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++) {
            const y0 = Math.max(oy * a.stride[0] - top, 0), y1 = Math.min(oy * a.stride[0] - top + a.kernel[0], h);
            const x0 = Math.max(ox * a.stride[1] - left, 0), x1 = Math.min(ox * a.stride[1] - left + a.kernel[1], w);
            const oBase = ((b * oh + oy) * ow + ox) * c;
            for (let ch = 0; ch < c; ch++) {
              let acc = kind === 'max' ? -Infinity : 0;
              for (let y = y0; y < y1; y++)
                for (let xx = x0; xx < x1; xx++) {
                  const v = x[((b * h + y) * w + xx) * c + ch];
                  acc = kind === 'max' ? (v > acc ? v : acc) : acc + v;
                }
              out[oBase + ch] = kind === 'max' ? acc : acc / ((y1 - y0) * (x1 - x0));
            }
          }
    },
  };
}
