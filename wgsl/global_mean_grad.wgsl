// global_mean_grad.wgsl: g [N,C] -> [N,H,W,C], every pixel g / (H W) (the backward of global_mean).
// A gather: one output element per invocation, workgroups of 64 laid over grid x and y.

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let b = t / (p.hw * p.c);
  st(p.yo + t, ld(p.go + b * p.c + t % p.c) / f32(p.hw));
}
