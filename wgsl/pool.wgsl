// pool.wgsl: maxpool (MAX) and avgpool over a KH x KW window, padded cells excluded (avg divides by
// the number of real cells). Each invocation computes one output pixel x 4 consecutive channels,
// one vec4 load per window cell when C % 4 == 0 (VEC), scalars otherwise. Workgroups of 64 over
// (pixel, channel quad) laid over grid x and y.
override MAX: bool = true;
override VEC: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

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
  let y0 = max(i32(oy * p.sy) - p.top, 0);
  let y1 = min(i32(oy * p.sy) - p.top + i32(p.kh), i32(p.h));
  let x0 = max(i32(ox * p.sx) - p.left, 0);
  let x1 = min(i32(ox * p.sx) - p.left + i32(p.kw), i32(p.w));
  var acc = select(vec4<f32>(0.0), vec4<f32>(-3.4028234e38), MAX);
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      let base = p.xo + ((b * p.h + u32(iy)) * p.w + u32(ix)) * p.c + c0;
      var v = vec4<f32>(0.0);
      if (VEC) {
        v = ld4(base);
      } else {
        for (var j = 0u; j < nc; j++) {
          v[j] = ld(base + j);
        }
      }
      acc = select(acc + v, max(acc, v), MAX);
    }
  }
  if (!MAX) {
    acc = acc / f32((y1 - y0) * (x1 - x0));
  }
  for (var j = 0u; j < nc; j++) {
    st(p.yo + m * p.c + c0 + j, acc[j]);
  }
}
