// pool_grad (backward of maxpool / avgpool): x [N,H,W,C], g [N,OH,OW,C] -> dx [N,H,W,C]. avgpool
// spreads each g over the real cells of its window; maxpool gives it to the window's first maximum.
import { expectRank, fail, onlyKeys, pairAttr, paddingAttr, slidingWindow, type OpDef, type Shape, type Window } from './op.ts';
import type { PoolAttrs } from './pool.ts';

export interface PoolGradAttrs extends PoolAttrs {
  kind: 'max' | 'avg';
}

/** The forward pool's window over x. */
const poolWindow = ([x]: Shape[], a: PoolGradAttrs): Window => slidingWindow('pool_grad', x[1], x[2], a.kernel, a.stride, a.padding);

export const poolGrad: OpDef<PoolGradAttrs> = {
  name: 'pool_grad',
  arity: [2, 2],
  parseAttrs(raw) {
    onlyKeys('pool_grad', raw, ['kind', 'kernel', 'stride', 'padding']);
    if (raw.kind !== 'max' && raw.kind !== 'avg') fail('pool_grad', `attribute "kind" must be "max" or "avg", got ${JSON.stringify(raw.kind)}`);
    const kernel = pairAttr('pool_grad', raw, 'kernel', undefined);
    return { kind: raw.kind, kernel, stride: pairAttr('pool_grad', raw, 'stride', kernel), padding: paddingAttr('pool_grad', raw) };
  },
  inferShape([x, g], a) {
    expectRank('pool_grad', 'input', x, 4);
    const win = poolWindow([x], a);
    if (g.length !== 4 || g[0] !== x[0] || g[1] !== win.outH || g[2] !== win.outW || g[3] !== x[3]) fail('pool_grad', `gradient [${g.join(', ')}] does not match the pool output [${x[0]}, ${win.outH}, ${win.outW}, ${x[3]}]`);
    return x.slice();
  },
  window: poolWindow,
  ref([x, g], [xs, [, oh, ow]], out, _os, a) {
    const [n, h, w, c] = xs;
    const { top, left } = poolWindow([xs], a);
    out.fill(0);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const y0 = Math.max(oy * a.stride[0] - top, 0), y1 = Math.min(oy * a.stride[0] - top + a.kernel[0], h);
          const x0 = Math.max(ox * a.stride[1] - left, 0), x1 = Math.min(ox * a.stride[1] - left + a.kernel[1], w);
          for (let ch = 0; ch < c; ch++) {
            const gv = g[((b * oh + oy) * ow + ox) * c + ch];
            if (a.kind === 'avg') {
              const share = gv / ((y1 - y0) * (x1 - x0));
              for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) out[((b * h + y) * w + xx) * c + ch] += share;
              continue;
            }
            let best = -Infinity, at = -1;
            for (let y = y0; y < y1; y++)
              for (let xx = x0; xx < x1; xx++) {
                const i = ((b * h + y) * w + xx) * c + ch;
                if (x[i] > best) {
                  best = x[i];
                  at = i;
                }
              }
            if (at >= 0) out[at] += gv;
          }
        }
  },
};
