// act_grad.wgsl: the backward of an activation, dx = g * act'(v) on flat tensors v, g (host/ops/act_grad.ts:
// v is the activation's output y, or its input x for clamp and leaky_relu with alpha < 0). ACT is the
// activation's code (host/ops/codes.ts ACT_CODE): relu (v > 0 ? g : 0), leaky_relu (v > 0 ? g : p0 g),
// clamp (p0 <= v <= p1 ? g : 0), tanh (g (1 - v^2)), sigmoid (g v (1 - v)). Like
// elementwise.wgsl, 4 elements per invocation (one vec4 load of v and of g; scalar stores stop at n),
// workgroups of 64 laid over grid x and y.
override ACT: u32 = ACT_CODE_relu;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i0 = linearIndex(gid, nwg) * 4u;
  if (i0 >= p.n) {
    return;
  }
  let v = ld4(p.vo + i0);
  let g = ld4(p.go + i0);
  let zero = vec4<f32>(0.0);
  var r: vec4<f32>;
  switch ACT {
    case ACT_CODE_relu: { r = select(zero, g, v > zero); }
    case ACT_CODE_leaky_relu: { r = select(p.p0 * g, g, v > zero); }
    case ACT_CODE_clamp: { r = select(zero, g, (v >= vec4<f32>(p.p0)) & (v <= vec4<f32>(p.p1))); }
    case ACT_CODE_tanh: { r = g * (1.0 - v * v); }
    default: { r = g * v * (1.0 - v); } // ACT_CODE_sigmoid
  }
  for (var j = 0u; j < min(4u, p.n - i0); j++) {
    st(p.yo + i0 + j, r[j]);
  }
}
