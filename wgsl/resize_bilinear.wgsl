// resize_bilinear.wgsl: half-pixel-centre bilinear resize (sample at (o + 0.5) * in/out - 0.5,
// clamped to the edge), x [N,H,W,C] -> [N,OH,OW,C]. Each invocation computes one output pixel x 4
// channels: four vec4 taps when C % 4 == 0 (VEC), scalar taps otherwise. Workgroups of 64 over
// (pixel, channel quad) laid over grid x and y.
override VEC: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

fn tap(i: u32, nc: u32) -> vec4<f32> {
  if (VEC) {
    return ld4(p.xo + i);
  }
  var v = vec4<f32>(0.0);
  for (var j = 0u; j < nc; j++) {
    v[j] = ld(p.xo + i + j);
  }
  return v;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let nq = (p.c + 3u) / 4u;
  let c0 = (t % nq) * 4u;
  let m = t / nq;
  let ox = m % p.ow;
  let oy = (m / p.ow) % p.oh;
  let b = m / (p.ow * p.oh);
  let nc = min(4u, p.c - c0);
  let sy = max((f32(oy) + 0.5) * p.ry - 0.5, 0.0);
  let sx = max((f32(ox) + 0.5) * p.rx - 0.5, 0.0);
  let y0 = min(u32(floor(sy)), p.h - 1u);
  let x0 = min(u32(floor(sx)), p.w - 1u);
  let y1 = min(y0 + 1u, p.h - 1u);
  let x1 = min(x0 + 1u, p.w - 1u);
  let fy = sy - f32(y0);
  let fx = sx - f32(x0);
  let r0 = (b * p.h + y0) * p.w;
  let r1 = (b * p.h + y1) * p.w;
  let v00 = tap((r0 + x0) * p.c + c0, nc);
  let v01 = tap((r0 + x1) * p.c + c0, nc);
  let v10 = tap((r1 + x0) * p.c + c0, nc);
  let v11 = tap((r1 + x1) * p.c + c0, nc);
  let top = v00 + (v01 - v00) * fx;
  let bot = v10 + (v11 - v10) * fx;
  let r = top + (bot - top) * fy;
  for (var j = 0u; j < nc; j++) {
    st(p.yo + m * p.c + c0 + j, r[j]);
  }
}
