// Pooling, channels in the lanes. Arguments: host/backends/wasm/signatures.ts.
import { ai, ap } from './common';
import { POOL_KIND } from './codes';

/** maxpool / avgpool; padded cells never count (avg divides by the real cells). */
export function pool_x4(args: usize, start: i32, end: i32): void {
  // @args pool_x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), out = ap(args, 1), N = ai(args, 2), H = ai(args, 3), W = ai(args, 4), C = ai(args, 5);
  const OH = ai(args, 6), OW = ai(args, 7), KH = ai(args, 8), KW = ai(args, 9), SH = ai(args, 10);
  const SW = ai(args, 11), PT = ai(args, 12), PL = ai(args, 13), kind = ai(args, 14);
  // @end args
  const avg = kind == POOL_KIND.avg;
  for (let row = start; row < end; row++) {
    const n = row / OH, oy = row - n * OH;
    const y0 = max(oy * SH - PT, 0), y1 = min(oy * SH - PT + KH, H);
    for (let ox = 0; ox < OW; ox++) {
      const x0 = max(ox * SW - PL, 0), x1 = min(ox * SW - PL + KW, W);
      const o = out + (<usize>((row * OW + ox) * C) << 2);
      const inv: f32 = 1 / <f32>((y1 - y0) * (x1 - x0));
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        let acc = avg ? f32x4.splat(0) : f32x4.splat(-Infinity);
        for (let y = y0; y < y1; y++)
          for (let xx = x0; xx < x1; xx++) {
            const v = v128.load(x + (<usize>(((n * H + y) * W + xx) * C + c) << 2));
            acc = avg ? f32x4.add(acc, v) : f32x4.max(acc, v);
          }
        v128.store(o + (<usize>c << 2), avg ? f32x4.mul(acc, f32x4.splat(inv)) : acc);
      }
      for (; c < C; c++) {
        let acc: f32 = avg ? 0 : -Infinity;
        for (let y = y0; y < y1; y++)
          for (let xx = x0; xx < x1; xx++) {
            const v = load<f32>(x + (<usize>(((n * H + y) * W + xx) * C + c) << 2));
            acc = avg ? acc + v : max(acc, v);
          }
        store<f32>(o + (<usize>c << 2), avg ? acc * inv : acc);
      }
    }
  }
}

/** global_mean: [N,HW,C] -> [N,C]. */
export function global_mean_x4(args: usize, start: i32, end: i32): void {
  // @args global_mean_x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), out = ap(args, 1), HW = ai(args, 2), C = ai(args, 3);
  // @end args
  const inv: f32 = 1 / <f32>HW;
  for (let n = start; n < end; n++) {
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      let acc = f32x4.splat(0);
      for (let p = 0; p < HW; p++) acc = f32x4.add(acc, v128.load(x + (<usize>((n * HW + p) * C + c) << 2)));
      v128.store(out + (<usize>(n * C + c) << 2), f32x4.mul(acc, f32x4.splat(inv)));
    }
    for (; c < C; c++) {
      let acc: f32 = 0;
      for (let p = 0; p < HW; p++) acc += load<f32>(x + (<usize>((n * HW + p) * C + c) << 2));
      store<f32>(out + (<usize>(n * C + c) << 2), acc * inv);
    }
  }
}
