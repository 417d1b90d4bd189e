// resize_bilinear_grad (backward of resize_bilinear): g [N,OH,OW,C] -> [N,H,W,C] for the input size
// `size` = [H, W]: each g value goes back to its four taps with the same weights.
import { expectRank, onlyKeys, pairAttr, type OpDef } from './op.ts';
import { bilinearTap } from './resize_bilinear.ts';

export const resizeBilinearGrad: OpDef<{ size: [number, number] }> = {
  name: 'resize_bilinear_grad',
  arity: [1, 1],
  parseAttrs(raw) {
    onlyKeys('resize_bilinear_grad', raw, ['size']);
    return { size: pairAttr('resize_bilinear_grad', raw, 'size', undefined) };
  },
  inferShape([g], a) {
    expectRank('resize_bilinear_grad', 'gradient', g, 4);
    return [g[0], a.size[0], a.size[1], g[3]];
  },
  ref([g], [[n, oh, ow, c]], out, [, h, w]) {
    out.fill(0);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++) {
        const [y0, y1, fy] = bilinearTap(oy, h, oh);
        for (let ox = 0; ox < ow; ox++) {
          const [x0, x1, fx] = bilinearTap(ox, w, ow);
          const o = ((b * oh + oy) * ow + ox) * c;
          const at = (y: number, xx: number) => ((b * h + y) * w + xx) * c;
          for (let ch = 0; ch < c; ch++) {
            const gv = g[o + ch];
            out[at(y0, x0) + ch] += gv * (1 - fx) * (1 - fy);
            out[at(y0, x1) + ch] += gv * fx * (1 - fy);
            out[at(y1, x0) + ch] += gv * (1 - fx) * fy;
            out[at(y1, x1) + ch] += gv * fx * fy;
          }
        }
      }
  },
};
