// Depthwise conv2d (groups = C, multiplier 1), channels in the lanes: per output pixel and channel
// vector, sum over the KHxKW taps of x-vector * w-vector. Memory-bound, so one pixel at a time.
// Slots: 0 x, 1 w packed [KH,KW,C4], 2 scale[C4], 3 shift[C4], 4 residual, 5 out, 6 N, 7 H, 8 W, 9 C,
// 10 OH, 11 OW, 12 C4, 13 KH, 14 KW, 15 SH, 16 SW, 17 PT, 18 PL, 19 act, 20 p0, 21 p1. Units: rows.
import { ai, af, ap, madd, epilogueStore, loadLanes } from './common';

export function conv2d_depthwise_1x4(args: usize, start: i32, end: i32): void {
  const x = ap(args, 0), w = ap(args, 1), scale = ap(args, 2), shift = ap(args, 3), res = ap(args, 4), out = ap(args, 5);
  const H = ai(args, 7), W = ai(args, 8), C = ai(args, 9), OH = ai(args, 10), OW = ai(args, 11), C4 = ai(args, 12);
  const KH = ai(args, 13), KW = ai(args, 14), SH = ai(args, 15), SW = ai(args, 16), PT = ai(args, 17), PL = ai(args, 18);
  const act = ai(args, 19), p0 = af(args, 20), p1 = af(args, 21);
  for (let row = start; row < end; row++) {
    const n = row / OH, oy = row - n * OH;
    const xImg = x + (<usize>(n * H * W * C) << 2);
    for (let ox = 0; ox < OW; ox++) {
      const o = out + (<usize>((row * OW + ox) * C) << 2);
      for (let c = 0; c < C; c += 4) {
        const lanes = C - c;
        let acc = f32x4.splat(0);
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * SH - PT + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * SW - PL + kx;
            if (ix < 0 || ix >= W) continue;
            const xv = loadLanes(xImg + (<usize>((iy * W + ix) * C + c) << 2), lanes);
            acc = madd(xv, v128.load(w + (<usize>((ky * KW + kx) * C4 + c) << 2)), acc);
          }
        }
        const r: usize = res ? res + (<usize>((row * OW + ox) * C + c) << 2) : 0;
        epilogueStore(acc, scale, shift, c, r, act, p0, p1, o + (<usize>c << 2), lanes);
      }
    }
  }
}
