// slice.wgsl: channels [start, end) of the last axis, x [P, C] -> [P, end - start]. One output
// element per invocation (a gather), workgroups of 64 laid over grid x and y.
struct Params {
  c: u32, oc: u32, start: u32, total: u32,
  xo: u32, yo: u32, pad0: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  st(p.yo + t, ld(p.xo + (t / p.oc) * p.c + p.start + t % p.oc));
}
