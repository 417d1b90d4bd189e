// weight_transpose.wgsl: w [KH, KW, A, B] -> [KH, KW, B, A] (a rank-2 w as KH = KW = 1), the taps in
// reverse order when FLIP (the 180-degree rotation of the conv input gradient). A gather: one output
// element per invocation, out[tap', j, i] = w[tap, i, j] with tap = FLIP ? taps - 1 - tap' : tap'.
// Workgroups of 64 laid over grid x and y.
override FLIP: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = linearIndex(gid, nwg);
  if (o >= p.total) {
    return;
  }
  let i = o % p.a;
  let j = (o / p.a) % p.b;
  let dst = o / (p.a * p.b);
  let tap = select(dst, p.taps - 1u - dst, FLIP);
  st(p.yo + o, ld(p.xo + (tap * p.a + i) * p.b + j));
}
