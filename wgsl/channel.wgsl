// channel.wgsl: per-channel ops along the last axis, x [..., C] with a packed parameter buffer:
// OP (host/ops/codes.ts CHANNEL_OP) affine: x * s[c] + t[c] (bias runs as affine with s = 1), prelu:
// x > 0 ? x : a[c] * x.
// One element per invocation (channel = index mod C); workgroups of 64 laid over grid x and y.
override OP: u32 = CHANNEL_OP_affine;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts
@group(0) @binding(2) var<storage, read> prm: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= p.n) {
    return;
  }
  let c = i % p.c;
  let v = ld(p.xo + i);
  if (OP == CHANNEL_OP_prelu) {
    st(p.yo + i, select(prm[c] * v, v, v > 0.0));
  } else {
    st(p.yo + i, v * prm[c] + prm[p.c + c]);
  }
}
