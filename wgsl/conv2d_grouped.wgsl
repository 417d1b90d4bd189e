// conv2d_grouped.wgsl: grouped convolution (1 < groups), depthwise included. Memory-bound, so no
// workgroup tiles: each invocation computes one output pixel x 4 consecutive output channels.
// VEC (depthwise with multiplier 1 and C % 4 == 0): the 4 channels are one vec4 load of x and one of
// the [KH,KW,1,C] weights per tap. Otherwise scalar: channel co reads its group's Cin/groups inputs.
// Workgroups of 64 over (pixel, channel quad) laid over grid x and y.
override VEC: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let nq = (p.cout + 3u) / 4u;
  let c0 = (t % nq) * 4u;
  let m = t / nq;
  let ox = m % p.ow;
  let oy = (m / p.ow) % p.oh;
  let b = m / (p.ow * p.oh);
  let nc = min(4u, p.cout - c0);
  var acc = vec4<f32>(0.0);
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
      let xb = p.xo + ((b * p.h + u32(iy)) * p.w + u32(ix)) * p.cin;
      let wb = (ky * p.kw + kx) * p.cpg * p.cout;
      if (VEC) {
        acc += ld4(xb + c0) * wld4(p.wo, wb + c0);
      } else {
        for (var j = 0u; j < nc; j++) {
          let co = c0 + j;
          let g = co / p.opg;
          for (var ci = 0u; ci < p.cpg; ci++) {
            let wi = wb + ci * p.cout + co;
            acc[j] += ld(xb + g * p.cpg + ci) * wld(p.wo, wi);
          }
        }
      }
    }
  }
  for (var j = 0u; j < nc; j++) {
    let o = m * p.cout + c0 + j;
    st(p.yo + o, epilogue(acc[j], c0 + j, o));
  }
}
