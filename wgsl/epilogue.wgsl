// epilogue.wgsl: appended after common.wgsl to conv2d, conv2d_grouped, conv2d_naive,
// conv_transpose2d, dense and elementwise (not an entry point). A head op's write-back applies, per
// output element o of channel c,
//     out = act(acc * scale[c] + shift[c] + residual[o])
// with scale and shift packed into one buffer `ss` = [scale(C), shift(C)], the residual read from the
// arena at offset e.res, and the activation chosen by the ACT override (codes of host/ops/codes.ts
// ACT_CODE); HAS_RES says whether there is a residual. Each head shader's Params ends with `epi: Epi`.
override ACT: u32 = 0u;
override HAS_RES: bool = false;

struct Epi {
  nc: u32,   // channels (length of scale and of shift)
  a: f32,    // leaky_relu alpha, clamp min
  b: f32,    // clamp max
  res: u32,  // arena offset of the residual
}

@group(0) @binding(8) var<storage, read> ss: array<f32>;

/**
 * tanh to about an ulp. The builtin's error bound is absolute: near +-1 it swamps 1 - y^2, the
 * derivative training reads back from y (host/ops/act_grad.ts). An odd Taylor polynomial below 0.3
 * (the first left-out term is under an ulp there), 1 - 2 / (exp(2|v|) + 1) above (no cancellation:
 * the small term keeps exp's relative precision), saturated from 20 on (tanh rounds to 1 past 9).
 */
fn tanhAccurate(v: f32) -> f32 {
  let a = abs(v);
  if (a < 0.3) {
    let s = v * v;
    return v + v * s * (-1.0 / 3.0 + s * (2.0 / 15.0 + s * (-17.0 / 315.0 + s * (62.0 / 2835.0 + s * (-1382.0 / 155925.0)))));
  }
  return sign(v) * (1.0 - 2.0 / (exp(2.0 * min(a, 20.0)) + 1.0));
}

fn activate(v: f32, a: f32, b: f32) -> f32 {
  switch ACT {
    case 1u: { return select(0.0, v, v > 0.0); }
    case 2u: { return select(a * v, v, v > 0.0); }
    case 3u: { return select(select(v, b, v > b), a, v < a); }
    case 4u: { return tanhAccurate(v); }
    case 5u: { return 1.0 / (1.0 + exp(-v)); }
    default: { return v; }
  }
}

fn epilogue(acc: f32, c: u32, o: u32, e: Epi) -> f32 {
  var r = acc * ss[c] + ss[e.nc + c];
  if (HAS_RES) {
    r = r + ld(e.res + o);
  }
  return activate(r, e.a, e.b);
}
