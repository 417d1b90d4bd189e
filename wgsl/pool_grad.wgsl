// pool_grad.wgsl: the backward of maxpool (MAX) and avgpool, x [N,H,W,C], g [N,OH,OW,C] -> dx
// [N,H,W,C], as a gather (no two invocations write one element, so no atomics): each invocation owns
// one input pixel x 4 consecutive channels and visits the output windows that cover the pixel. avg:
// adds g / (the window's real cells); max: recomputes the window's first maximum per channel (row by
// row, strictly greater, as host/ops/pool_grad.ts) and adds g where that is this pixel. vec4 loads
// when C % 4 == 0 (VEC), scalars otherwise. Workgroups of 64 over (pixel, channel quad) laid over
// grid x and y.
override MAX: bool = true;
override VEC: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

/** First and last output index whose window [o*s - lead, o*s - lead + k) holds input index i. */
fn windows(i: i32, s: u32, lead: i32, k: u32, n: u32) -> vec2<i32> {
  let hi = i + lead; // o*s <= i + lead
  let lo = hi - i32(k) + 1; // o*s >= i + lead - k + 1
  let first = select(0, (lo + i32(s) - 1) / i32(s), lo > 0);
  let last = select(-1, min(hi / i32(s), i32(n) - 1), hi >= 0);
  return vec2<i32>(first, last);
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
  let ix = i32(px % p.w);
  let iy = i32((px / p.w) % p.h);
  let b = px / (p.w * p.h);
  let nc = min(4u, p.c - c0);
  let wy = windows(iy, p.sy, p.top, p.kh, p.oh);
  let wx = windows(ix, p.sx, p.left, p.kw, p.ow);
  let me = vec4<i32>(iy * i32(p.w) + ix);
  var acc = vec4<f32>(0.0);
  for (var oy = wy.x; oy <= wy.y; oy++) {
    let y0 = max(oy * i32(p.sy) - p.top, 0);
    let y1 = min(oy * i32(p.sy) - p.top + i32(p.kh), i32(p.h));
    for (var ox = wx.x; ox <= wx.y; ox++) {
      let x0 = max(ox * i32(p.sx) - p.left, 0);
      let x1 = min(ox * i32(p.sx) - p.left + i32(p.kw), i32(p.w));
      let g = quad(p.go + ((b * p.oh + u32(oy)) * p.ow + u32(ox)) * p.c + c0, nc);
      if (!MAX) {
        acc += g / f32((y1 - y0) * (x1 - x0));
        continue;
      }
      // The reference starts from -infinity: the lowest finite value, taken on equality while none is, is the same.
      var best = vec4<f32>(bitcast<f32>(0xff7fffffu));
      var at = vec4<i32>(-1);
      for (var y = y0; y < y1; y++) {
        for (var x = x0; x < x1; x++) {
          let v = quad(p.xo + ((b * p.h + u32(y)) * p.w + u32(x)) * p.c + c0, nc);
          let gt = (v > best) | ((at < vec4<i32>(0)) & (v == best));
          best = select(best, v, gt);
          at = select(at, vec4<i32>(y * i32(p.w) + x), gt);
        }
      }
      acc += select(vec4<f32>(0.0), g, at == me);
    }
  }
  for (var j = 0u; j < nc; j++) {
    st(p.yo + px * p.c + c0 + j, acc[j]);
  }
}
