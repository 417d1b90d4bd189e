// crop.wgsl: x [N,H,W,C] -> [N,OH,OW,OC], the inner block starting at row `top`, column `left`,
// channel `cb` (the backward of pad). A gather: one output element per invocation, workgroups of 64
// laid over grid x and y.

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let oc = t % p.oc;
  let px = t / p.oc;
  let ox = px % p.ow;
  let oy = (px / p.ow) % p.oh;
  let b = px / (p.ow * p.oh);
  st(p.yo + t, ld(p.xo + ((b * p.h + oy + p.top) * p.w + ox + p.left) * p.c + oc + p.cb));
}
