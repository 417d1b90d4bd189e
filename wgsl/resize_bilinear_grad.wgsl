// resize_bilinear_grad.wgsl: the backward of resize_bilinear, g [N,OH,OW,C] -> dx [N,H,W,C], as a
// gather (no atomics): each invocation owns one input pixel x 4 channels and visits the output pixels
// whose taps can reach it (rows whose sample lies in [iy - 1, iy + 1), a margin of one either side),
// recomputing each tap exactly as resize_bilinear.wgsl does (half-pixel centres, clamped to the edge)
// and adding g times the weight the forward gave this pixel (both taps' weights where they coincide at
// the edge). vec4 loads when C % 4 == 0 (VEC), scalars otherwise. Workgroups of 64 over (pixel,
// channel quad) laid over grid x and y.
override VEC: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

/** The output range [first, end) that may sample input index i (ratio r = in / out), with a margin. */
fn reach(i: u32, r: f32, n: u32) -> vec2<u32> {
  let first = i32(floor((f32(i) - 0.5) / r - 0.5)) - 1;
  let end = i32(ceil((f32(i) + 1.5) / r - 0.5)) + 2;
  return vec2<u32>(u32(max(first, 0)), u32(clamp(end, 0, i32(n))));
}

/** The weight output index o gives input index i: taps i0 = min(floor(src), size-1), i1 = min(i0+1, size-1). */
fn weight(o: u32, i: u32, r: f32, size: u32) -> f32 {
  let src = max((f32(o) + 0.5) * r - 0.5, 0.0);
  let i0 = min(u32(floor(src)), size - 1u);
  let i1 = min(i0 + 1u, size - 1u);
  let f = src - f32(i0);
  return select(0.0, 1.0 - f, i0 == i) + select(0.0, f, i1 == i);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let nq = (p.c + 3u) / 4u;
  let c0 = (t % nq) * 4u;
  let px = t / nq;
  let ix = px % p.w;
  let iy = (px / p.w) % p.h;
  let b = px / (p.w * p.h);
  let nc = min(4u, p.c - c0);
  let ry = reach(iy, p.ry, p.oh);
  let rx = reach(ix, p.rx, p.ow);
  var acc = vec4<f32>(0.0);
  for (var oy = ry.x; oy < ry.y; oy++) {
    let wy = weight(oy, iy, p.ry, p.h);
    if (wy == 0.0) {
      continue;
    }
    for (var ox = rx.x; ox < rx.y; ox++) {
      let wx = weight(ox, ix, p.rx, p.w);
      if (wx != 0.0) {
        acc += (wx * wy) * quad(p.go + ((b * p.oh + oy) * p.ow + ox) * p.c + c0, nc);
      }
    }
  }
  for (var j = 0u; j < nc; j++) {
    st(p.yo + px * p.c + c0 + j, acc[j]);
  }
}
