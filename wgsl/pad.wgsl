// pad.wgsl: x [N,H,W,C] -> [N,H+t+b,W+l+r,C+before+after] filled with `value`. A gather: each
// invocation writes one output element, from x or the pad value. Workgroups of 64 laid over grid
// x and y.

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
  var v = p.value;
  if (oy >= p.top && oy - p.top < p.h && ox >= p.left && ox - p.left < p.w && oc >= p.cb && oc - p.cb < p.c) {
    v = ld(p.xo + ((b * p.h + oy - p.top) * p.w + ox - p.left) * p.c + oc - p.cb);
  }
  st(p.yo + t, v);
}
