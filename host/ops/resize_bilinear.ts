// resize_bilinear: x [N,H,W,C] -> [N,OH,OW,C] with half-pixel centres (sample at (o+0.5)*in/out-0.5,
// clamped to the edge), as TF's half_pixel_centers, PyTorch align_corners=False and WebGPU samplers do.
// Output size is fixed (`size`) or relative (`scale`), so graphs with symbolic H, W can upsample.
import { expectRank, fail, onlyKeys, pairAttr, type OpDef } from './op.ts';

export interface ResizeAttrs {
  size?: [number, number];
  scale?: [number, number];
}

/** Source coordinate, lower index and weight of the upper neighbour for output index o. */
export function bilinearTap(o: number, inSize: number, outSize: number): [number, number, number] {
  const src = Math.max((o + 0.5) * (inSize / outSize) - 0.5, 0);
  const i0 = Math.min(Math.floor(src), inSize - 1);
  return [i0, Math.min(i0 + 1, inSize - 1), src - i0];
}

export const resizeBilinear: OpDef<ResizeAttrs> = {
  name: 'resize_bilinear',
  arity: [1, 1],
  parseAttrs(raw) {
    onlyKeys('resize_bilinear', raw, ['size', 'scale']);
    if ((raw.size === undefined) === (raw.scale === undefined)) fail('resize_bilinear', 'exactly one of "size" and "scale" is required');
    return raw.size !== undefined ? { size: pairAttr('resize_bilinear', raw, 'size', undefined) } : { scale: pairAttr('resize_bilinear', raw, 'scale', undefined) };
  },
  inferShape([x], a) {
    expectRank('resize_bilinear', 'input', x, 4);
    const [oh, ow] = a.size ?? [x[1] * a.scale![0], x[2] * a.scale![1]];
    return [x[0], oh, ow, x[3]];
  },
  ref([x], [[n, h, w, c]], out, [, oh, ow]) {
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++) {
        const [y0, y1, fy] = bilinearTap(oy, h, oh);
        for (let ox = 0; ox < ow; ox++) {
          const [x0, x1, fx] = bilinearTap(ox, w, ow);
          const p00 = ((b * h + y0) * w + x0) * c, p01 = ((b * h + y0) * w + x1) * c;
          const p10 = ((b * h + y1) * w + x0) * c, p11 = ((b * h + y1) * w + x1) * c;
          const o = ((b * oh + oy) * ow + ox) * c;
          for (let ch = 0; ch < c; ch++) {
            const top = x[p00 + ch] + (x[p01 + ch] - x[p00 + ch]) * fx;
            const bot = x[p10 + ch] + (x[p11 + ch] - x[p10 + ch]) * fx;
            out[o + ch] = top + (bot - top) * fy;
          }
        }
      }
  },
};
