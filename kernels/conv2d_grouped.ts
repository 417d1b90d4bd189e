// Generic grouped conv2d (any groups, any channel multiplier), scalar. The fallback for shapes no
// tiled kernel covers; weights in the op's own layout [KH,KW,Cin/groups,Cout].
// Arguments: host/backends/wasm/signatures.ts.
import { ai, af, ap, actScalar } from './common';

export function conv2d_grouped_scalar(args: usize, start: i32, end: i32): void {
  // @args conv2d_grouped_scalar: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), w = ap(args, 1), out = ap(args, 2), N = ai(args, 3), H = ai(args, 4), W = ai(args, 5);
  const Cin = ai(args, 6), OH = ai(args, 7), OW = ai(args, 8), Cout = ai(args, 9), G = ai(args, 10);
  const KH = ai(args, 11), KW = ai(args, 12), SH = ai(args, 13), SW = ai(args, 14), PT = ai(args, 15);
  const PL = ai(args, 16), scale = ap(args, 17), shift = ap(args, 18), res = ap(args, 19), act = ai(args, 20);
  const p0 = af(args, 21), p1 = af(args, 22);
  // @end args
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
