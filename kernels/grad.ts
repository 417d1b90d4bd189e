// Kernels of the backward ops (host/ops/act_grad.ts, channel_sum.ts, weight_transpose.ts, pool_grad.ts,
// global_mean_grad.ts, resize_bilinear_grad.ts, crop.ts); conv2d's weight gradient is conv2d_grad.ts.
// Scatter-shaped gradients (pools, resize) split work by (image, 4-channel block) so that no two
// threads ever add into the same element: each unit zeroes its own slice of dx, then accumulates.
// Arguments of every kernel: host/backends/wasm/signatures.ts.
import { ai, af, ap } from './common';
import { ACT_CODE, POOL_KIND } from './codes';

/** relu / leaky_relu test v > 0, clamp min <= v <= max; tanh g (1 - v^2), sigmoid g v (1 - v). */
export function act_grad_x4(args: usize, start: i32, end: i32): void {
  // @args act_grad_x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const v = ap(args, 0), g = ap(args, 1), out = ap(args, 2), act = ai(args, 3), p0 = af(args, 4), p1 = af(args, 5);
  // @end args
  const zero = f32x4.splat(0), one = f32x4.splat(1), vp0 = f32x4.splat(p0), vp1 = f32x4.splat(p1);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    const a = v128.load(v + off), b = v128.load(g + off);
    let r: v128;
    if (act == ACT_CODE.relu) r = v128.and(b, f32x4.gt(a, zero));
    else if (act == ACT_CODE.leaky_relu) r = v128.bitselect(b, f32x4.mul(b, vp0), f32x4.gt(a, zero));
    else if (act == ACT_CODE.clamp) r = v128.and(b, v128.and(f32x4.ge(a, vp0), f32x4.le(a, vp1)));
    else if (act == ACT_CODE.tanh) r = f32x4.mul(b, f32x4.sub(one, f32x4.mul(a, a)));
    else r = f32x4.mul(f32x4.mul(b, a), f32x4.sub(one, a));
    v128.store(out + off, r);
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    const a = load<f32>(v + off), b = load<f32>(g + off);
    let r: f32;
    if (act == ACT_CODE.relu) r = a > 0 ? b : 0;
    else if (act == ACT_CODE.leaky_relu) r = a > 0 ? b : p0 * b;
    else if (act == ACT_CODE.clamp) r = a >= p0 && a <= p1 ? b : 0;
    else if (act == ACT_CODE.tanh) r = b * (1 - a * a);
    else r = b * a * (1 - a);
    store<f32>(out + off, r);
  }
}

/** out[c] = sum over positions p of x[p*C + c]. */
export function channel_sum_x4(args: usize, start: i32, end: i32): void {
  // @args channel_sum_x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), out = ap(args, 1), P = ai(args, 2), C = ai(args, 3);
  // @end args
  const rowBytes = <usize>C << 2;
  for (let blk = start; blk < end; blk++) {
    const c0 = blk << 2, lanes = min(4, C - c0);
    // Pairwise-ish: partial sums of 64 positions, then added in f64 (a long f32 sum loses digits).
    let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
    let p = x + (<usize>c0 << 2);
    for (let base = 0; base < P; base += 64) {
      const stop = min(P, base + 64);
      if (lanes == 4) {
        let acc = f32x4.splat(0);
        for (let q = base; q < stop; q++, p += rowBytes) acc = f32x4.add(acc, v128.load(p));
        t0 += f32x4.extract_lane(acc, 0);
        t1 += f32x4.extract_lane(acc, 1);
        t2 += f32x4.extract_lane(acc, 2);
        t3 += f32x4.extract_lane(acc, 3);
      } else {
        for (let q = base; q < stop; q++, p += rowBytes) {
          t0 += load<f32>(p);
          if (lanes > 1) t1 += load<f32>(p, 4);
          if (lanes > 2) t2 += load<f32>(p, 8);
        }
      }
    }
    const o = out + (<usize>c0 << 2);
    store<f32>(o, <f32>t0);
    if (lanes > 1) store<f32>(o, <f32>t1, 4);
    if (lanes > 2) store<f32>(o, <f32>t2, 8);
    if (lanes > 3) store<f32>(o, <f32>t3, 12);
  }
}

/** out[tap', b, a] = w[tap, a, b], tap' = flip ? KH*KW-1-tap : tap. */
export function weight_transpose(args: usize, start: i32, end: i32): void {
  // @args weight_transpose: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const w = ap(args, 0), out = ap(args, 1), KH = ai(args, 2), KW = ai(args, 3), A = ai(args, 4), B = ai(args, 5);
  const flip = ai(args, 6) != 0;
  // @end args
  const taps = KH * KW;
  for (let t = start; t < end; t++) {
    const src = w + (<usize>(t * A * B) << 2), dst = out + (<usize>((flip ? taps - 1 - t : t) * A * B) << 2);
    for (let i = 0; i < A; i++) for (let j = 0; j < B; j++) store<f32>(dst + (<usize>(j * A + i) << 2), load<f32>(src + (<usize>(i * B + j) << 2)));
  }
}

/** Max / avg pool backward: max to the window's first maximum, avg spread over the real cells. */
export function pool_grad_x1(args: usize, start: i32, end: i32): void {
  // @args pool_grad_x1: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), g = ap(args, 1), dx = ap(args, 2), N = ai(args, 3), H = ai(args, 4), W = ai(args, 5);
  const C = ai(args, 6), OH = ai(args, 7), OW = ai(args, 8), KH = ai(args, 9), KW = ai(args, 10), SH = ai(args, 11);
  const SW = ai(args, 12), PT = ai(args, 13), PL = ai(args, 14), kind = ai(args, 15);
  // @end args
  const avg = kind == POOL_KIND.avg;
  const blocks = (C + 3) >> 2;
  for (let u = start; u < end; u++) {
    const n = u / blocks, c0 = (u - n * blocks) << 2, c1 = min(C, c0 + 4);
    for (let p = 0; p < H * W; p++) for (let c = c0; c < c1; c++) store<f32>(dx + (<usize>((n * H * W + p) * C + c) << 2), 0);
    for (let oy = 0; oy < OH; oy++) {
      const y0 = max(oy * SH - PT, 0), y1 = min(oy * SH - PT + KH, H);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = max(ox * SW - PL, 0), x1 = min(ox * SW - PL + KW, W);
        for (let c = c0; c < c1; c++) {
          const gv = load<f32>(g + (<usize>(((n * OH + oy) * OW + ox) * C + c) << 2));
          if (avg) {
            const share = gv / <f32>((y1 - y0) * (x1 - x0));
            for (let y = y0; y < y1; y++)
              for (let xx = x0; xx < x1; xx++) {
                const d = dx + (<usize>(((n * H + y) * W + xx) * C + c) << 2);
                store<f32>(d, load<f32>(d) + share);
              }
            continue;
          }
          let best: f32 = -Infinity, at = -1;
          for (let y = y0; y < y1; y++)
            for (let xx = x0; xx < x1; xx++) {
              const i = ((n * H + y) * W + xx) * C + c;
              const v = load<f32>(x + (<usize>i << 2));
              if (v > best) {
                best = v;
                at = i;
              }
            }
          if (at >= 0) store<f32>(dx + (<usize>at << 2), load<f32>(dx + (<usize>at << 2)) + gv);
        }
      }
    }
  }
}

/** dx[n, p, c] = g[n, c] / HW. */
export function global_mean_grad_x1(args: usize, start: i32, end: i32): void {
  // @args global_mean_grad_x1: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const g = ap(args, 0), dx = ap(args, 1), HW = ai(args, 2), C = ai(args, 3);
  // @end args
  const inv: f32 = 1 / <f32>HW;
  for (let px = start; px < end; px++) {
    const n = px / HW, src = g + (<usize>(n * C) << 2), dst = dx + (<usize>(px * C) << 2);
    for (let c = 0; c < C; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 2)) * inv);
  }
}

/** Bilinear (half-pixel) resize backward. */
export function resize_bilinear_grad_x1(args: usize, start: i32, end: i32): void {
  // @args resize_bilinear_grad_x1: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const g = ap(args, 0), dx = ap(args, 1), N = ai(args, 2), H = ai(args, 3), W = ai(args, 4), C = ai(args, 5);
  const OH = ai(args, 6), OW = ai(args, 7);
  // @end args
  const blocks = (C + 3) >> 2;
  const sy: f64 = <f64>H / <f64>OH, sx: f64 = <f64>W / <f64>OW;
  for (let u = start; u < end; u++) {
    const n = u / blocks, c0 = (u - n * blocks) << 2, c1 = min(C, c0 + 4);
    for (let p = 0; p < H * W; p++) for (let c = c0; c < c1; c++) store<f32>(dx + (<usize>((n * H * W + p) * C + c) << 2), 0);
    for (let oy = 0; oy < OH; oy++) {
      const fys = max((<f64>oy + 0.5) * sy - 0.5, 0.0);
      const y0 = min(<i32>Math.floor(fys), H - 1), y1 = min(y0 + 1, H - 1);
      const fy = <f32>(fys - <f64>y0);
      for (let ox = 0; ox < OW; ox++) {
        const fxs = max((<f64>ox + 0.5) * sx - 0.5, 0.0);
        const x0 = min(<i32>Math.floor(fxs), W - 1), x1 = min(x0 + 1, W - 1);
        const fx = <f32>(fxs - <f64>x0);
        const gx: f32 = 1 - fx, gy: f32 = 1 - fy;
        const w00: f32 = gx * gy, w01: f32 = fx * gy, w10: f32 = gx * fy, w11: f32 = fx * fy;
        const o = g + (<usize>(((n * OH + oy) * OW + ox) * C) << 2);
        const p00 = dx + (<usize>(((n * H + y0) * W + x0) * C) << 2), p01 = dx + (<usize>(((n * H + y0) * W + x1) * C) << 2);
        const p10 = dx + (<usize>(((n * H + y1) * W + x0) * C) << 2), p11 = dx + (<usize>(((n * H + y1) * W + x1) * C) << 2);
        for (let c = c0; c < c1; c++) {
          const off = <usize>c << 2, gv = load<f32>(o + off);
          store<f32>(p00 + off, load<f32>(p00 + off) + gv * w00);
          store<f32>(p01 + off, load<f32>(p01 + off) + gv * w01);
          store<f32>(p10 + off, load<f32>(p10 + off) + gv * w10);
          store<f32>(p11 + off, load<f32>(p11 + off) + gv * w11);
        }
      }
    }
  }
}

/** out = the block of x at (PT, PL, CB). */
export function crop_rows(args: usize, start: i32, end: i32): void {
  // @args crop_rows: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), out = ap(args, 1), N = ai(args, 2), H = ai(args, 3), W = ai(args, 4), C = ai(args, 5);
  const OH = ai(args, 6), OW = ai(args, 7), OC = ai(args, 8), PT = ai(args, 9), PL = ai(args, 10);
  const CB = ai(args, 11);
  // @end args
  const bytes = <usize>OC << 2;
  for (let row = start; row < end; row++) {
    const n = row / OH, y = row - n * OH;
    for (let xx = 0; xx < OW; xx++) memory.copy(out + (<usize>((row * OW + xx) * OC) << 2), x + (<usize>(((n * H + y + PT) * W + xx + PL) * C + CB) << 2), bytes);
  }
}
