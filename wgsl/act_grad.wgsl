// act_grad.wgsl: the backward of an activation, dx = g * act'(v) on flat tensors v, g (host/ops/act_grad.ts:
// v is the activation's output y, or its input x for clamp and leaky_relu with alpha < 0). ACT is the
// activation's code (host/ops/codes.ts ACT_CODE): 1 relu (v > 0 ? g : 0), 2 leaky_relu (v > 0 ? g :
// a g), 3 clamp (a <= v <= b ? g : 0), 4 tanh (g (1 - v^2)), 5 sigmoid (g v (1 - v)). Like
// elementwise.wgsl, 4 elements per invocation (one vec4 load of v and of g; scalar stores stop at n),
// workgroups of 64 laid over grid x and y.
override ACT: u32 = 1u;

struct Params {
  n: u32, vo: u32, go: u32, yo: u32,
  a: f32, b: f32, pad0: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

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
    case 1u: { r = select(zero, g, v > zero); }
    case 2u: { r = select(p.a * g, g, v > zero); }
    case 3u: { r = select(zero, g, (v >= vec4<f32>(p.a)) & (v <= vec4<f32>(p.b))); }
    case 4u: { r = g * (1.0 - v * v); }
    default: { r = g * v * (1.0 - v); }
  }
  for (var j = 0u; j < min(4u, p.n - i0); j++) {
    st(p.yo + i0 + j, r[j]);
  }
}
