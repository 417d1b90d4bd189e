// dense: x [N,K] times w packed [K,M4], outputs in the lanes (1 row x 16 outputs per tile, tail x4),
// with the fused epilogue. Arguments: host/backends/wasm/signatures.ts.
import { ai, af, ap, madd, epilogueStore } from './common';

export function dense_1x16(args: usize, start: i32, end: i32): void {
  // @args dense_1x16: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), w = ap(args, 1), out = ap(args, 2), N = ai(args, 3), K = ai(args, 4), M = ai(args, 5);
  const M4 = ai(args, 6), scale = ap(args, 7), shift = ap(args, 8), res = ap(args, 9), act = ai(args, 10);
  const p0 = af(args, 11), p1 = af(args, 12);
  // @end args
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
