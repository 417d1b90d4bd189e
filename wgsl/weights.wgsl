// weights.wgsl: appended after common.wgsl to the kernels that read a weight operand (conv2d,
// conv2d_naive, conv2d_grouped, conv_transpose2d, dense); not an entry point. A weight is either a
// constant tensor, uploaded once and bound at binding 2, or a tensor an earlier step computed in the
// arena (training's transposed weights: weight_transpose), read at arena offset `wo` when W_ARENA
// (binding 2 then holds a 16-byte placeholder). Indices count floats from the weight's first one.
override W_ARENA: bool = false;

@group(0) @binding(2) var<storage, read> wt: array<vec4<f32>>;

fn wld(wo: u32, i: u32) -> f32 {
  if (W_ARENA) {
    return ld(wo + i);
  }
  return wt[i >> 2u][i & 3u];
}

/** Four weights from i, a multiple of 4. */
fn wld4(wo: u32, i: u32) -> vec4<f32> {
  if (W_ARENA) {
    return ld4(wo + i);
  }
  return wt[i >> 2u];
}
