// f32x4 multiply-add peak: independent accumulator chains (enough to cover FMA latency x ports), no
// memory traffic. Two chain counts, since the best depends on the CPU; report the faster.
// Returns a value so the work is not optimised away. flops = iters * chains * 8.
import { madd } from './common';

export function peak_f32x4_8(iters: i32): f32 {
  const m = f32x4.splat(0.999999), b = f32x4.splat(1e-7);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  for (let i = 0; i < iters; i++) {
    a0 = madd(a0, m, b); a1 = madd(a1, m, b); a2 = madd(a2, m, b); a3 = madd(a3, m, b);
    a4 = madd(a4, m, b); a5 = madd(a5, m, b); a6 = madd(a6, m, b); a7 = madd(a7, m, b);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0);
}

export function peak_f32x4_12(iters: i32): f32 {
  const m = f32x4.splat(0.999999), b = f32x4.splat(1e-7);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9), a9 = f32x4.splat(10), a10 = f32x4.splat(11), a11 = f32x4.splat(12);
  for (let i = 0; i < iters; i++) {
    a0 = madd(a0, m, b); a1 = madd(a1, m, b); a2 = madd(a2, m, b); a3 = madd(a3, m, b);
    a4 = madd(a4, m, b); a5 = madd(a5, m, b); a6 = madd(a6, m, b); a7 = madd(a7, m, b);
    a8 = madd(a8, m, b); a9 = madd(a9, m, b); a10 = madd(a10, m, b); a11 = madd(a11, m, b);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
