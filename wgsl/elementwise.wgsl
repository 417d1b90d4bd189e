// elementwise.wgsl: unary and binary ops on a flat tensor, 4 elements per invocation (one vec4 load
// per operand: tensors start at multiples of 64 floats, so a trailing partial quad stays inside the
// tensor's arena block; stores are scalar and stop at n). OP (host/ops/codes.ts ELEMENTWISE_OP): act
// (the activation ACT: relu, leaky_relu, clamp, tanh, sigmoid, activation.wgsl's activate), round
// (half to even), add, mul. Workgroups of 64 laid over grid x and y.
override OP: u32 = ELEMENTWISE_OP_act;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i0 = linearIndex(gid, nwg) * 4u;
  if (i0 >= p.n) {
    return;
  }
  let v = ld4(p.xo + i0);
  var r: vec4<f32>;
  switch OP {
    case ELEMENTWISE_OP_round: { r = round(v); }
    case ELEMENTWISE_OP_add: { r = v + ld4(p.zo + i0); }
    case ELEMENTWISE_OP_mul: { r = v * ld4(p.zo + i0); }
    default: { // ELEMENTWISE_OP_act
      r = vec4<f32>(activate(v.x, p.p0, p.p1), activate(v.y, p.p0, p.p1), activate(v.z, p.p0, p.p1), activate(v.w, p.p0, p.p1));
    }
  }
  for (var j = 0u; j < min(4u, p.n - i0); j++) {
    st(p.yo + i0 + j, r[j]);
  }
}
