// conv2d_grad_weight.wgsl: the weight gradient of a dense (groups = 1) conv2d as a tiled GEMM with
// the reduction over output pixels, dW = A^T * G:
//   K = KH*KW*Cin rows of dW (k = (ky*KW + kx)*Cin + ci, the HWIO order), Cout columns, and the sum
//   over M = N*OH*OW output pixels m; A[m][k] is the im2col view of x (as in conv2d.wgsl, never
//   materialised: x[b, oy*sy - top + ky, ox*sx - left + kx, ci], 0 outside), G[m][co] = g as it lies.
// Tiling: a workgroup owns a TK x TN tile of dW (TK rows of k, TN output channels) and walks its share
//   of M in slices of BM pixels: each slice of A (BM x TK) and of G (BM x TN) is staged in workgroup
//   memory with vec4 loads (4 channels of one tap when Cin % 4 == 0, VEC_X; 4 output channels when
//   Cout % 4 == 0, VEC_G; scalars otherwise), then each invocation accumulates a 4 (k) x 4 (co) block
//   in four vec4 registers (16 multiply-adds per 2 vec4 reads of workgroup memory). Workgroup size
//   (TK/4)*(TN/4) = 64; grid (Cout/TN, K/TK, splits). With one split the tile goes to y; with S
//   splits, split s sums pixels [s*chunk, (s+1)*chunk) into row s of a scratch [S, K*Cout] that
//   channel_sum.wgsl then adds up (small layers have few tiles; the splits keep the GPU busy).
override TK: u32 = 32u;
override TN: u32 = 32u;
override BM: u32 = 32u;
override VEC_X: bool = false;
override VEC_G: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

var<workgroup> As: array<vec4<f32>, BM * TK / 4u>; // [pixel][k / 4]
var<workgroup> Gs: array<vec4<f32>, BM * TN / 4u>; // [pixel][co / 4]

/** A[m][k .. k+3] (k a multiple of 4; 0 past M or K, and where a tap falls in the padding). */
fn loadA(m: u32, k: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (m >= p.m || k >= p.k) {
    return v;
  }
  let ox = m % p.ow;
  let t = m / p.ow;
  let oy = t % p.oh;
  let b = t / p.oh;
  let iy0 = i32(oy * p.sy) - p.top;
  let ix0 = i32(ox * p.sx) - p.left;
  let n = select(min(4u, p.k - k), 1u, VEC_X);
  for (var j = 0u; j < n; j++) {
    let ci = (k + j) % p.cin;
    let r = (k + j) / p.cin;
    let iy = iy0 + i32(r / p.kw);
    let ix = ix0 + i32(r % p.kw);
    if (iy < 0 || iy >= i32(p.h) || ix < 0 || ix >= i32(p.w)) {
      continue;
    }
    let i = p.xo + ((b * p.h + u32(iy)) * p.w + u32(ix)) * p.cin + ci;
    if (VEC_X) {
      return ld4(i); // Cin % 4 == 0: the four k share one tap and are contiguous in x
    }
    v[j] = ld(i);
  }
  return v;
}

/** G[m][n .. n+3] (n a multiple of 4). */
fn loadG(m: u32, n: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (m >= p.m || n >= p.cout) {
    return v;
  }
  let i = p.go + m * p.cout + n;
  if (VEC_G) {
    return ld4(i);
  }
  for (var j = 0u; j < min(4u, p.cout - n); j++) {
    v[j] = ld(i + j);
  }
  return v;
}

fn store(dst: u32, k: u32, n: u32, acc: vec4<f32>) {
  if (k >= p.k) {
    return;
  }
  for (var j = 0u; j < min(4u, p.cout - min(n, p.cout)); j++) {
    st(dst + k * p.cout + n + j, acc[j]);
  }
}

@compute @workgroup_size((TK / 4u) * (TN / 4u))
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let nt = (TK / 4u) * (TN / 4u);
  let tk4 = TK / 4u;
  let tn4 = TN / 4u;
  let n0 = wid.x * TN;
  let k0 = wid.y * TK;
  let m0 = wid.z * p.chunk;
  let m1 = min(p.m, m0 + p.chunk);
  let tn = lid % tn4;
  let tk = lid / tn4;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var ms = m0; ms < m1; ms += BM) {
    for (var i = lid; i < BM * tk4; i += nt) {
      let m = ms + i / tk4;
      As[i] = select(vec4<f32>(0.0), loadA(m, k0 + (i % tk4) * 4u), m < m1);
    }
    for (var i = lid; i < BM * tn4; i += nt) {
      let m = ms + i / tn4;
      Gs[i] = select(vec4<f32>(0.0), loadG(m, n0 + (i % tn4) * 4u), m < m1);
    }
    workgroupBarrier();
    for (var r = 0u; r < BM; r++) {
      let a = As[r * tk4 + tk];
      let g = Gs[r * tn4 + tn];
      acc0 += a.x * g;
      acc1 += a.y * g;
      acc2 += a.z * g;
      acc3 += a.w * g;
    }
    workgroupBarrier();
  }
  // One split: the tile is the gradient; S splits: row wid.z of the scratch [S, K*Cout].
  let dst = p.yo + wid.z * p.k * p.cout;
  let k = k0 + tk * 4u;
  let n = n0 + tn * 4u;
  store(dst, k, n, acc0);
  store(dst, k + 1u, n, acc1);
  store(dst, k + 2u, n, acc2);
  store(dst, k + 3u, n, acc3);
}
