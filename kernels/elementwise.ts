// Elementwise kernels over flat arrays, 4 lanes at a time with a scalar tail. Units: elements.
// Arguments of every kernel: host/backends/wasm/signatures.ts.
import { ai, af, ap, actScalar, actVec } from './common';
import { CHANNEL_OP, ELEMENTWISE_OP } from './codes';

/** An activation (act) or round, elementwise. */
export function unary_x4(args: usize, start: i32, end: i32): void {
  // @args unary_x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), out = ap(args, 1), op = ai(args, 2), act = ai(args, 3), p0 = af(args, 4), p1 = af(args, 5);
  // @end args
  let i = start;
  if (op == ELEMENTWISE_OP.round) {
    for (; i + 4 <= end; i += 4) v128.store(out + (<usize>i << 2), f32x4.nearest(v128.load(x + (<usize>i << 2))));
    for (; i < end; i++) store<f32>(out + (<usize>i << 2), nearest<f32>(load<f32>(x + (<usize>i << 2))));
    return;
  }
  for (; i + 4 <= end; i += 4) v128.store(out + (<usize>i << 2), actVec(v128.load(x + (<usize>i << 2)), act, p0, p1));
  for (; i < end; i++) store<f32>(out + (<usize>i << 2), actScalar(load<f32>(x + (<usize>i << 2)), act, p0, p1));
}

/** add or mul, elementwise. */
export function binary_x4(args: usize, start: i32, end: i32): void {
  // @args binary_x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const a = ap(args, 0), b = ap(args, 1), out = ap(args, 2), op = ai(args, 3);
  // @end args
  const add = op == ELEMENTWISE_OP.add;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    const va = v128.load(a + off), vb = v128.load(b + off);
    v128.store(out + off, add ? f32x4.add(va, vb) : f32x4.mul(va, vb));
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    const va = load<f32>(a + off), vb = load<f32>(b + off);
    store<f32>(out + off, add ? va + vb : va * vb);
  }
}

/** Per-channel ops over pixels of C channels: affine x*p+q, prelu x>0 ? x : p*x, bias x+p. */
export function channel_x4(args: usize, start: i32, end: i32): void {
  // @args channel_x4: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), p = ap(args, 1), q = ap(args, 2), out = ap(args, 3), C = ai(args, 4), op = ai(args, 5);
  // @end args
  for (let px = start; px < end; px++) {
    const base = <usize>(px * C) << 2;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const off = <usize>c << 2;
      const v = v128.load(x + base + off), vp = v128.load(p + off);
      let r: v128;
      if (op == CHANNEL_OP.bias) r = f32x4.add(v, vp);
      else if (op == CHANNEL_OP.affine) r = f32x4.add(f32x4.mul(v, vp), v128.load(q + off));
      else r = v128.bitselect(v, f32x4.mul(v, vp), f32x4.gt(v, f32x4.splat(0)));
      v128.store(out + base + off, r);
    }
    for (; c < C; c++) {
      const off = <usize>c << 2;
      const v = load<f32>(x + base + off), vp = load<f32>(p + off);
      store<f32>(out + base + off, op == CHANNEL_OP.bias ? v + vp : op == CHANNEL_OP.affine ? v * vp + load<f32>(q + off) : v > 0 ? v : vp * v);
    }
  }
}
