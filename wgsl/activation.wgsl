// activation.wgsl: appended after common.wgsl to the kernels that apply an activation (elementwise,
// and through epilogue.wgsl every head kernel); not an entry point. `activate` applies the activation
// chosen by the ACT override (a code of host/ops/codes.ts ACT_CODE) with parameters a (leaky_relu
// alpha, clamp min) and b (clamp max); one value per call.
override ACT: u32 = ACT_CODE_none;

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
    case ACT_CODE_relu: { return select(0.0, v, v > 0.0); }
    case ACT_CODE_leaky_relu: { return select(a * v, v, v > 0.0); }
    case ACT_CODE_clamp: { return select(select(v, b, v > b), a, v < a); }
    case ACT_CODE_tanh: { return tanhAccurate(v); }
    case ACT_CODE_sigmoid: { return 1.0 / (1.0 + exp(-v)); }
    default: { return v; } // ACT_CODE_none
  }
}
