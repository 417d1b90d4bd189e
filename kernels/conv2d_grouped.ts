// Generic grouped conv2d (any groups, any channel multiplier), scalar. The fallback for shapes no
// tiled kernel covers; weights in the op's own layout [KH,KW,Cin/groups,Cout].
// Slots: 0 x, 1 w, 2 scale[Cout], 3 shift[Cout], 4 residual, 5 out, 6 N, 7 H, 8 W, 9 Cin, 10 OH, 11 OW,
// 12 Cout, 13 groups, 14 KH, 15 KW, 16 SH, 17 SW, 18 PT, 19 PL, 20 act, 21 p0, 22 p1. Units: rows.
import { ai, af, ap, actScalar } from './common';

export function conv2d_grouped_scalar(args: usize, start: i32, end: i32): void {
  const x = ap(args, 0), w = ap(args, 1), scale = ap(args, 2), shift = ap(args, 3), res = ap(args, 4), out = ap(args, 5);
  const H = ai(args, 7), W = ai(args, 8), Cin = ai(args, 9), OH = ai(args, 10), OW = ai(args, 11), Cout = ai(args, 12);
  const G = ai(args, 13), KH = ai(args, 14), KW = ai(args, 15), SH = ai(args, 16), SW = ai(args, 17), PT = ai(args, 18), PL = ai(args, 19);
  const act = ai(args, 20), p0 = af(args, 21), p1 = af(args, 22);
  const cpg = Cin / G, opg = Cout / G;
  for (let row = start; row < end; row++) {
    const n = row / OH, oy = row - n * OH;
    for (let ox = 0; ox < OW; ox++) {
      const oIdx = (row * OW + ox) * Cout;
      for (let co = 0; co < Cout; co++) {
        const g = co / opg;
        let acc: f32 = 0;
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * SH - PT + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * SW - PL + kx;
            if (ix < 0 || ix >= W) continue;
            const xb = x + (<usize>(((n * H + iy) * W + ix) * Cin + g * cpg) << 2);
            const wb = w + (<usize>((ky * KW + kx) * cpg * Cout + co) << 2);
            for (let ci = 0; ci < cpg; ci++) acc += load<f32>(xb + (<usize>ci << 2)) * load<f32>(wb + (<usize>(ci * Cout) << 2));
          }
        }
        let v = acc * load<f32>(scale + (<usize>co << 2)) + load<f32>(shift + (<usize>co << 2));
        if (res) v += load<f32>(res + (<usize>(oIdx + co) << 2));
        store<f32>(out + (<usize>(oIdx + co) << 2), actScalar(v, act, p0, p1));
      }
    }
  }
}
