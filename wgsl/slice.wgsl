// slice.wgsl: channels [start, end) of the last axis, x [P, C] -> [P, end - start]. One output
// element per invocation (a gather), workgroups of 64 laid over grid x and y.

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  st(p.yo + t, ld(p.xo + (t / p.oc) * p.c + p.start + t % p.oc));
}
