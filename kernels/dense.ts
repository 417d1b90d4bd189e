// dense: x [N,K] times w packed [K,M4], outputs in the lanes (1 row x 16 outputs per tile, tail x4),
// with the fused epilogue. Slots: 0 x, 1 w, 2 scale[M4], 3 shift[M4], 4 residual, 5 out, 6 N, 7 K,
// 8 M, 9 M4, 10 act, 11 p0, 12 p1. Units: rows of x.
import { ai, af, ap, madd, epilogueStore } from './common';

export function dense_1x16(args: usize, start: i32, end: i32): void {
  const x = ap(args, 0), w = ap(args, 1), scale = ap(args, 2), shift = ap(args, 3), res = ap(args, 4), out = ap(args, 5);
  const K = ai(args, 7), M = ai(args, 8), M4 = ai(args, 9), act = ai(args, 10), p0 = af(args, 11), p1 = af(args, 12);
  const wStep = <usize>M4 << 2;
  for (let n = start; n < end; n++) {
    const xr = x + (<usize>(n * K) << 2);
    const o = out + (<usize>(n * M) << 2);
    const r: usize = res ? res + (<usize>(n * M) << 2) : 0;
    let m = 0;
    for (; m + 16 <= M4; m += 16) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let wp = w + (<usize>m << 2);
      for (let k = 0; k < K; k++) {
        const s = v128.load32_splat(xr + (<usize>k << 2));
        a0 = madd(s, v128.load(wp), a0);
        a1 = madd(s, v128.load(wp, 16), a1);
        a2 = madd(s, v128.load(wp, 32), a2);
        a3 = madd(s, v128.load(wp, 48), a3);
        wp += wStep;
      }
      epilogueStore(a0, scale, shift, m, r ? r + (<usize>m << 2) : 0, act, p0, p1, o + (<usize>m << 2), M - m);
      epilogueStore(a1, scale, shift, m + 4, r ? r + (<usize>(m + 4) << 2) : 0, act, p0, p1, o + (<usize>(m + 4) << 2), M - m - 4);
      epilogueStore(a2, scale, shift, m + 8, r ? r + (<usize>(m + 8) << 2) : 0, act, p0, p1, o + (<usize>(m + 8) << 2), M - m - 8);
      epilogueStore(a3, scale, shift, m + 12, r ? r + (<usize>(m + 12) << 2) : 0, act, p0, p1, o + (<usize>(m + 12) << 2), M - m - 12);
    }
    for (; m < M4; m += 4) {
      let a0 = f32x4.splat(0);
      let wp = w + (<usize>m << 2);
      for (let k = 0; k < K; k++) {
        a0 = madd(v128.load32_splat(xr + (<usize>k << 2)), v128.load(wp), a0);
        wp += wStep;
      }
      epilogueStore(a0, scale, shift, m, r ? r + (<usize>m << 2) : 0, act, p0, p1, o + (<usize>m << 2), M - m);
    }
  }
}
