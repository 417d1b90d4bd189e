// weight_transpose: w [KH, KW, A, B] -> [KH, KW, B, A] (the last two axes swapped), rotated by 180
// degrees when `flip`; a rank-2 w [A, B] -> [B, A]. The input gradient of conv2d is a conv of the
// output gradient with these weights (flipped for stride 1, unflipped as conv_transpose2d weights), and
// dense's is a dense with the transposed matrix.
import { fail, onlyKeys, type OpDef } from './op.ts';

export const weightTranspose: OpDef<{ flip: boolean }> = {
  name: 'weight_transpose',
  arity: [1, 1],
  parseAttrs(raw) {
    onlyKeys('weight_transpose', raw, ['flip']);
    if (raw.flip !== undefined && typeof raw.flip !== 'boolean') fail('weight_transpose', `attribute "flip" must be a boolean, got ${JSON.stringify(raw.flip)}`);
    return { flip: raw.flip === true };
  },
  inferShape([w]) {
    if (w.length === 2) return [w[1], w[0]];
    if (w.length !== 4) fail('weight_transpose', `weights must have rank 2 or 4, got [${w.join(', ')}]`);
    return [w[0], w[1], w[3], w[2]];
  },
  ref([w], [ws], out, _os, { flip }) {
    const [kh, kw, a, b] = ws.length === 2 ? [1, 1, ws[0], ws[1]] : ws;
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++) {
        const dst = flip ? (kh - 1 - ky) * kw + (kw - 1 - kx) : ky * kw + kx;
        for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[(dst * b + j) * a + i] = w[((ky * kw + kx) * a + i) * b + j];
      }
  },
};
