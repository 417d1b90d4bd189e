// Depthwise conv2d (groups = C, multiplier 1), channels in the lanes: per output pixel and channel
// vector, sum over the KHxKW taps of x-vector * w-vector. Memory-bound, so one pixel at a time.
// Arguments: host/backends/wasm/signatures.ts.
import { ai, af, ap, madd, epilogueStore, loadLanes } from './common';

export function conv2d_depthwise_1x4(args: usize, start: i32, end: i32): void {
  // @args conv2d_depthwise_1x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), w = ap(args, 1), out = ap(args, 2), N = ai(args, 3), H = ai(args, 4), W = ai(args, 5);
  const C = ai(args, 6), OH = ai(args, 7), OW = ai(args, 8), C4 = ai(args, 9), KH = ai(args, 10), KW = ai(args, 11);
  const SH = ai(args, 12), SW = ai(args, 13), PT = ai(args, 14), PL = ai(args, 15), scale = ap(args, 16);
  const shift = ap(args, 17), res = ap(args, 18), act = ai(args, 19), p0 = af(args, 20), p1 = af(args, 21);
  // @end args
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
