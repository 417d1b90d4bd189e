// Shared helpers for all kernels. Every kernel is `name(args, start, end)`: `args` points at its
// arguments in linear memory (32-bit slots written by host/backends/wasm), and [start, end) is this
// thread's share of the kernel's work units (usually output rows). Pointers are byte offsets. The slots
// of each kernel are declared in host/backends/wasm/signatures.ts; kernels/gen/generate.mjs writes the
// `// @args` block that reads them into named locals at the top of each kernel.
import { ACT_CODE } from './codes';

/** i32 argument slot i. */
// @ts-ignore: decorator
@inline export function ai(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

/** f32 argument slot i. */
// @ts-ignore: decorator
@inline export function af(args: usize, i: i32): f32 {
  return load<f32>(args + (<usize>i << 2));
}

/** Pointer argument slot i. */
// @ts-ignore: decorator
@inline export function ap(args: usize, i: i32): usize {
  return <usize>load<u32>(args + (<usize>i << 2));
}

/** a * b + c: fused on the relaxed-SIMD build, mul + add on the plain one. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// Activations (ACT_CODE): leaky_relu's alpha is p0, clamp's bounds p0 and p1.
export function actScalar(v: f32, act: i32, p0: f32, p1: f32): f32 {
  switch (act) {
    case ACT_CODE.relu:
      return v > 0 ? v : 0;
    case ACT_CODE.leaky_relu:
      return v > 0 ? v : p0 * v;
    case ACT_CODE.clamp:
      return v < p0 ? p0 : v > p1 ? p1 : v;
    case ACT_CODE.tanh:
      return Mathf.tanh(v);
    case ACT_CODE.sigmoid:
      return 1 / (1 + Mathf.exp(-v));
  }
  return v;
}

// @ts-ignore: decorator
@inline export function actVec(v: v128, act: i32, p0: f32, p1: f32): v128 {
  if (act == ACT_CODE.none) return v;
  if (act == ACT_CODE.relu) return f32x4.max(v, f32x4.splat(0));
  if (act == ACT_CODE.leaky_relu) return v128.bitselect(v, f32x4.mul(v, f32x4.splat(p0)), f32x4.gt(v, f32x4.splat(0)));
  if (act == ACT_CODE.clamp) return f32x4.min(f32x4.max(v, f32x4.splat(p0)), f32x4.splat(p1));
  return actLanes(v, act, p0, p1);
}

function actLanes(v: v128, act: i32, p0: f32, p1: f32): v128 {
  v = f32x4.replace_lane(v, 0, actScalar(f32x4.extract_lane(v, 0), act, p0, p1));
  v = f32x4.replace_lane(v, 1, actScalar(f32x4.extract_lane(v, 1), act, p0, p1));
  v = f32x4.replace_lane(v, 2, actScalar(f32x4.extract_lane(v, 2), act, p0, p1));
  return f32x4.replace_lane(v, 3, actScalar(f32x4.extract_lane(v, 3), act, p0, p1));
}

/**
 * Epilogue for 4 channels at `co` (channel index): act(acc * scale + shift + residual), stored to `dst`.
 * `lanes` < 4 stores only the first lanes (the channel tail of a layer whose Cout is not a multiple of 4).
 * `res` is 0 when there is no residual, else it points at the residual's 4 channels.
 */
// @ts-ignore: decorator
@inline export function epilogueStore(acc: v128, scale: usize, shift: usize, co: i32, res: usize, act: i32, p0: f32, p1: f32, dst: usize, lanes: i32): void {
  const off = <usize>co << 2;
  let v = madd(acc, v128.load(scale + off), v128.load(shift + off));
  if (res) v = f32x4.add(v, v128.load(res));
  v = actVec(v, act, p0, p1);
  storeLanes(v, dst, lanes);
}

// @ts-ignore: decorator
@inline export function storeLanes(v: v128, dst: usize, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(dst, v);
    return;
  }
  store<f32>(dst, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(dst, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(dst, f32x4.extract_lane(v, 2), 8);
}

/** Loads `lanes` floats (< 4 allowed) without reading past them; the rest are 0. */
// @ts-ignore: decorator
@inline export function loadLanes(src: usize, lanes: i32): v128 {
  if (lanes >= 4) return v128.load(src);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(src));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(src, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(src, 8));
  return v;
}
