// concat.wgsl: concatenation along channels, one dispatch per input: input k ([P, Ck]) is copied
// into the output ([P, OC]) at channel offset `off`, one element per invocation. Workgroups of 64
// laid over grid x and y.

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  st(p.yo + (t / p.c) * p.oc + p.off + t % p.c, ld(p.xo + t));
}
