// global_mean.wgsl: x [N,H,W,C] -> [N,C], the mean over all pixels. One invocation per (image,
// channel) walks the H*W pixels of its channel (neighbouring invocations read neighbouring channels
// of each pixel). Workgroups of 64 over N*C laid over grid x and y.

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let c = t % p.c;
  let b = t / p.c;
  var acc = 0.0;
  for (var i = 0u; i < p.hw; i++) {
    acc += ld(p.xo + (b * p.hw + i) * p.c + c);
  }
  st(p.yo + t, acc / f32(p.hw));
}
