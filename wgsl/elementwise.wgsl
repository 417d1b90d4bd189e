// elementwise.wgsl: unary and binary ops on a flat tensor, 4 elements per invocation (one vec4 load
// per operand: tensors start at multiples of 64 floats, so a trailing partial quad stays inside the
// tensor's arena block; stores are scalar and stop at n). OP: 0 = activation by ACT code (relu,
// leaky_relu, clamp, tanh, sigmoid: epilogue.wgsl's activate), 1 = round (half to even), 2 = add,
// 3 = mul (host/ops/codes.ts ELEMENTWISE_OP). Workgroups of 64 laid over grid x and y.
override OP: u32 = 0u;

struct Params {
  n: u32, xo: u32, zo: u32, yo: u32,
  a: f32, b: f32, pad0: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i0 = linearIndex(gid, nwg) * 4u;
  if (i0 >= p.n) {
    return;
  }
  let v = ld4(p.xo + i0);
  var r: vec4<f32>;
  switch OP {
    case 1u: { r = round(v); }
    case 2u: { r = v + ld4(p.zo + i0); }
    case 3u: { r = v * ld4(p.zo + i0); }
    default: {
      r = vec4<f32>(activate(v.x, p.a, p.b), activate(v.y, p.a, p.b), activate(v.z, p.a, p.b), activate(v.w, p.a, p.b));
    }
  }
  for (var j = 0u; j < min(4u, p.n - i0); j++) {
    st(p.yo + i0 + j, r[j]);
  }
}
