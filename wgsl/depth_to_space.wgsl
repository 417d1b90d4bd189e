// depth_to_space.wgsl: depth_to_space (D2S = true) and space_to_depth (D2S = false) with block B in
// TensorFlow's DCR order, deep[n,y,x,(by*B+bx)*C+c] = shallow[n,y*B+by,x*B+bx,c]. A pure gather:
// one output element per invocation (neighbouring invocations write neighbouring channels),
// workgroups of 64 laid over grid x and y. h, w, c are the shallow tensor's dims.
override D2S: bool = true;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = linearIndex(gid, nwg);
  if (t >= p.total) {
    return;
  }
  let bk = p.block;
  let dw = p.w / bk;
  let dh = p.h / bk;
  let dc = p.c * bk * bk;
  if (D2S) {
    // t indexes the shallow output [N, h, w, c].
    let c = t % p.c;
    let px = t / p.c;
    let sx = px % p.w;
    let sy = (px / p.w) % p.h;
    let b = px / (p.w * p.h);
    st(p.yo + t, ld(p.xo + ((b * dh + sy / bk) * dw + sx / bk) * dc + ((sy % bk) * bk + sx % bk) * p.c + c));
  } else {
    // t indexes the deep output [N, h/B, w/B, c*B*B].
    let ch = t % dc;
    let px = t / dc;
    let dx = px % dw;
    let dy = (px / dw) % dh;
    let b = px / (dw * dh);
    let q = ch / p.c;
    st(p.yo + t, ld(p.xo + ((b * p.h + dy * bk + q / bk) * p.w + dx * bk + q % bk) * p.c + ch % p.c));
  }
}
