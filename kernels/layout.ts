// Data-movement kernels: pad, depth_to_space / space_to_depth, bilinear resize, channel copy
// (concat and slice are channel copies with strides and offsets). Arguments of every kernel:
// host/backends/wasm/signatures.ts.
import { ai, af, ap } from './common';
import { DEPTH_SPACE_OP } from './codes';

/** x placed at (PT, PL, CB) in out, the rest filled with value. */
export function pad_rows(args: usize, start: i32, end: i32): void {
  // @args pad_rows: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), out = ap(args, 1), N = ai(args, 2), H = ai(args, 3), W = ai(args, 4), C = ai(args, 5);
  const OH = ai(args, 6), OW = ai(args, 7), OC = ai(args, 8), PT = ai(args, 9), PL = ai(args, 10);
  const CB = ai(args, 11), value = af(args, 12);
  // @end args
  for (let row = start; row < end; row++) {
    const n = row / OH, oy = row - n * OH, iy = oy - PT;
    const o = out + (<usize>(row * OW * OC) << 2);
    const fill = f32x4.splat(value);
    let i = 0;
    const count = OW * OC;
    for (; i + 4 <= count; i += 4) v128.store(o + (<usize>i << 2), fill);
    for (; i < count; i++) store<f32>(o + (<usize>i << 2), value);
    if (iy < 0 || iy >= H) continue;
    for (let ix = 0; ix < W; ix++) {
      memory.copy(o + (<usize>((ix + PL) * OC + CB) << 2), x + (<usize>(((n * H + iy) * W + ix) * C) << 2), <usize>C << 2);
    }
  }
}

/** depth_to_space / space_to_depth in DCR order, walking the deep tensor. */
export function depth_space_rows(args: usize, start: i32, end: i32): void {
  // @args depth_space_rows: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const deep = ap(args, 0), shallow = ap(args, 1), N = ai(args, 2), H = ai(args, 3), W = ai(args, 4);
  const C = ai(args, 5), B = ai(args, 6), op = ai(args, 7);
  // @end args
  const toSpace = op == DEPTH_SPACE_OP.depth_to_space;
  const bytes = <usize>C << 2;
  for (let row = start; row < end; row++) {
    const n = row / H, y = row - n * H;
    for (let x = 0; x < W; x++)
      for (let by = 0; by < B; by++)
        for (let bx = 0; bx < B; bx++) {
          const d = deep + (<usize>(((row * W + x) * B + by) * B + bx) * bytes);
          const s = shallow + (<usize>(((n * H * B + y * B + by) * W * B + x * B + bx)) * bytes);
          if (toSpace) memory.copy(s, d, bytes);
          else memory.copy(d, s, bytes);
        }
  }
}

/** Half-pixel-centre bilinear resize. */
export function resize_bilinear_rows(args: usize, start: i32, end: i32): void {
  // @args resize_bilinear_rows: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), out = ap(args, 1), N = ai(args, 2), H = ai(args, 3), W = ai(args, 4), C = ai(args, 5);
  const OH = ai(args, 6), OW = ai(args, 7);
  // @end args
  // Same arithmetic as the reference (double precision source coordinate, f32 blend).
  const sy: f64 = <f64>H / <f64>OH, sx: f64 = <f64>W / <f64>OW;
  for (let row = start; row < end; row++) {
    const n = row / OH, oy = row - n * OH;
    const fys = max((<f64>oy + 0.5) * sy - 0.5, 0.0);
    const y0 = min(<i32>Math.floor(fys), H - 1), y1 = min(y0 + 1, H - 1);
    const fy = <f32>(fys - <f64>y0);
    for (let ox = 0; ox < OW; ox++) {
      const fxs = max((<f64>ox + 0.5) * sx - 0.5, 0.0);
      const x0 = min(<i32>Math.floor(fxs), W - 1), x1 = min(x0 + 1, W - 1);
      const fx = <f32>(fxs - <f64>x0);
      const p00 = x + (<usize>(((n * H + y0) * W + x0) * C) << 2), p01 = x + (<usize>(((n * H + y0) * W + x1) * C) << 2);
      const p10 = x + (<usize>(((n * H + y1) * W + x0) * C) << 2), p11 = x + (<usize>(((n * H + y1) * W + x1) * C) << 2);
      const o = out + (<usize>((row * OW + ox) * C) << 2);
      for (let c = 0; c < C; c++) {
        const off = <usize>c << 2;
        const a = load<f32>(p00 + off), b = load<f32>(p01 + off), d = load<f32>(p10 + off), e = load<f32>(p11 + off);
        const top = a + (b - a) * fx;
        const bot = d + (e - d) * fx;
        store<f32>(o + off, top + (bot - top) * fy);
      }
    }
  }
}

/** dst[p*dstC + dstOff + c] = src[p*srcC + srcOff + c] for c < count. */
export function channel_copy(args: usize, start: i32, end: i32): void {
  // @args channel_copy: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const src = ap(args, 0), dst = ap(args, 1), srcC = ai(args, 2), srcOff = ai(args, 3), dstC = ai(args, 4);
  const dstOff = ai(args, 5), count = ai(args, 6);
  // @end args
  const bytes = <usize>count << 2;
  for (let p = start; p < end; p++) memory.copy(dst + (<usize>(p * dstC + dstOff) << 2), src + (<usize>(p * srcC + srcOff) << 2), bytes);
}
