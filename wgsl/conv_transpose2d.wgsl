// conv_transpose2d.wgsl: transposed convolution as a gather, in integer index arithmetic only.
// Output (oy, ox) of the full (uncropped) result sits at ty = oy + top, tx = ox + left; the taps
// that reach it are ky = ty mod s, ty mod s + s, ... (ky <= ty) with input row iy = (ty - ky) / s,
// exact by construction, so no float fract tests. Each invocation computes one output pixel x 4
// consecutive output channels (one vec4 weight load per input channel when Cout % 4 == 0, VEC_W).
// Workgroups of 64 over (pixel, channel quad) laid over grid x and y. Epilogue in the write-back.
override VEC_W: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

/** Weights i .. i+3 of one row; `n` of them are real (the rest of the quad lies past Cout). */
fn loadW(i: u32, n: u32) -> vec4<f32> {
  if (VEC_W) {
    return wld4(p.wo, i);
  }
  var v = vec4<f32>(0.0);
  for (var j = 0u; j < n; j++) {
    v[j] = wld(p.wo, i + j);
  }
  return v;
}

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
  let ty = oy + u32(p.top);
  let tx = ox + u32(p.left);
  let nc = min(4u, p.cout - c0);
  var acc = vec4<f32>(0.0);
  for (var ky = ty % p.sy; ky < p.kh && ky <= ty; ky += p.sy) {
    let iy = (ty - ky) / p.sy;
    if (iy >= p.h) {
      continue;
    }
    for (var kx = tx % p.sx; kx < p.kw && kx <= tx; kx += p.sx) {
      let ix = (tx - kx) / p.sx;
      if (ix >= p.w) {
        continue;
      }
      let xb = p.xo + ((b * p.h + iy) * p.w + ix) * p.cin;
      let wb = (ky * p.kw + kx) * p.cin * p.cout + c0;
      for (var ci = 0u; ci < p.cin; ci++) {
        acc += ld(xb + ci) * loadW(wb + ci * p.cout, nc);
      }
    }
  }
  for (var j = 0u; j < nc; j++) {
    let o = m * p.cout + c0 + j;
    st(p.yo + o, epilogue(acc[j], c0 + j, o));
  }
}
