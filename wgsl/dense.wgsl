// dense.wgsl: y[N,M] = x[N,K] * w[K,M], epilogue in the write-back. Each invocation computes 4
// consecutive outputs of one row (one vec4 of weights per k when M % 4 == 0, VEC_W); workgroups of
// 64 quads along M, one grid row per batch row (split across y and z beyond 65535). The x row is
// staged through workgroup memory in slices of 64 so a workgroup reads each x value once.
override VEC_W: bool = false;
const SLICE: u32 = 64u;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

var<workgroup> xs: array<f32, SLICE>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = wid.y + wid.z * nwg.y;
  let c0 = (wid.x * 64u + lid) * 4u;
  let nc = select(0u, min(4u, p.m - c0), c0 < p.m);
  var acc = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < p.k; k0 += SLICE) {
    if (r < p.rows && k0 + lid < p.k) {
      xs[lid] = ld(p.xo + r * p.k + k0 + lid);
    }
    workgroupBarrier();
    let kn = min(SLICE, p.k - k0);
    if (nc > 0u && r < p.rows) {
      for (var i = 0u; i < kn; i++) {
        let wi = (k0 + i) * p.m + c0;
        var wv = vec4<f32>(0.0);
        if (VEC_W) {
          wv = wld4(p.wo, wi);
        } else {
          for (var j = 0u; j < nc; j++) {
            wv[j] = wld(p.wo, wi + j);
          }
        }
        acc += xs[i] * wv;
      }
    }
    workgroupBarrier();
  }
  if (r >= p.rows) {
    return;
  }
  for (var j = 0u; j < nc; j++) {
    let o = r * p.m + c0 + j;
    st(p.yo + o, epilogue(acc[j], c0 + j, o));
  }
}
