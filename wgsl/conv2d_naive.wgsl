// conv2d_naive.wgsl: the yardstick. One output element per invocation, every operand read straight
// from global memory as scalars, no tiling: the benchmark's "facecodec-webgpu-naive" row and the
// backend's `conv: 'naive'` option (groups = 1 only). The backend also uses it for convs with fewer
// than 32 output pixels, where conv2d.wgsl's 64-pixel tiles would be mostly empty. Workgroups of 64
// over a linear index laid over grid x and y.

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = linearIndex(gid, nwg);
  if (o >= p.total) {
    return;
  }
  let co = o % p.cout;
  let m = o / p.cout;
  let ox = m % p.ow;
  let oy = (m / p.ow) % p.oh;
  let b = m / (p.ow * p.oh);
  var acc = 0.0;
  for (var ky = 0u; ky < p.kh; ky++) {
    let iy = i32(oy * p.sy) - p.top + i32(ky);
    if (iy < 0 || iy >= i32(p.h)) {
      continue;
    }
    for (var kx = 0u; kx < p.kw; kx++) {
      let ix = i32(ox * p.sx) - p.left + i32(kx);
      if (ix < 0 || ix >= i32(p.w)) {
        continue;
      }
      for (var ci = 0u; ci < p.cin; ci++) {
        acc += ld(p.xo + ((b * p.h + u32(iy)) * p.w + u32(ix)) * p.cin + ci) * wld(p.wo, ((ky * p.kw + kx) * p.cin + ci) * p.cout + co);
      }
    }
  }
  st(p.yo + o, epilogue(acc, co, o));
}
