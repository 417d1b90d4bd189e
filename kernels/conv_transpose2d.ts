// conv_transpose2d as a gather: each output pixel sums only the taps whose input position is an
// integer, iy = (oy + PT - ky) / SH when divisible; no zero insertion, no stride^2 waste. Output
// channels in the lanes (1 pixel x 8 channels, tail 1 x 4).
// Arguments: host/backends/wasm/signatures.ts.
import { ai, af, ap, madd, epilogueStore } from './common';

export function conv_transpose2d_gather_1x8(args: usize, start: i32, end: i32): void {
  // @args conv_transpose2d_gather_1x8: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), w = ap(args, 1), out = ap(args, 2), N = ai(args, 3), H = ai(args, 4), W = ai(args, 5);
  const Cin = ai(args, 6), OH = ai(args, 7), OW = ai(args, 8), Cout = ai(args, 9), Cout4 = ai(args, 10);
  const KH = ai(args, 11), KW = ai(args, 12), SH = ai(args, 13), SW = ai(args, 14), PT = ai(args, 15);
  const PL = ai(args, 16), scale = ap(args, 17), shift = ap(args, 18), res = ap(args, 19), act = ai(args, 20);
  const p0 = af(args, 21), p1 = af(args, 22);
  // @end args
  const wStep = <usize>Cout4 << 2;
  for (let row = start; row < end; row++) {
    const n = row / OH, oy = row - n * OH;
    for (let ox = 0; ox < OW; ox++) {
      const o = out + (<usize>((row * OW + ox) * Cout) << 2);
      const r: usize = res ? res + (<usize>((row * OW + ox) * Cout) << 2) : 0;
      for (let co = 0; co < Cout4; co += 8) {
        const two = co + 8 <= Cout4;
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        // Only the taps with (o + P - k) divisible by the stride: k = k0, k0 + S, ..., input index falling by 1.
        const ty0 = oy + PT, ky0 = ty0 % SH, tx0 = ox + PL, kx0 = tx0 % SW;
        for (let ky = ky0, iy = (ty0 - ky0) / SH; ky < KH && iy >= 0; ky += SH, iy--) {
          if (iy >= H) continue;
          for (let kx = kx0, ix = (tx0 - kx0) / SW; kx < KW && ix >= 0; kx += SW, ix--) {
            if (ix >= W) continue;
            let xp = x + (<usize>(((n * H + iy) * W + ix) * Cin) << 2);
            let wp = w + (<usize>((ky * KW + kx) * Cin * Cout4 + co) << 2);
            if (two) {
              for (let ci = 0; ci < Cin; ci++) {
                const s = v128.load32_splat(xp);
                a0 = madd(s, v128.load(wp), a0);
                a1 = madd(s, v128.load(wp, 16), a1);
                xp += 4;
                wp += wStep;
              }
            } else {
              for (let ci = 0; ci < Cin; ci++) {
                a0 = madd(v128.load32_splat(xp), v128.load(wp), a0);
                xp += 4;
                wp += wStep;
              }
            }
          }
        }
        epilogueStore(a0, scale, shift, co, r ? r + (<usize>co << 2) : 0, act, p0, p1, o + (<usize>co << 2), Cout - co);
        if (two) epilogueStore(a1, scale, shift, co + 4, r ? r + (<usize>(co + 4) << 2) : 0, act, p0, p1, o + (<usize>(co + 4) << 2), Cout - co - 4);
      }
    }
  }
}
