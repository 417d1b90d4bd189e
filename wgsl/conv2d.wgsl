// conv2d.wgsl: dense (groups = 1) convolution as a tiled implicit GEMM, C = A * B with
//   M = N*OH*OW output pixels (rows), N = Cout (columns), K = KH*KW*Cin (reduction).
//   A is the im2col view of x, never materialised: A[m][k], k = (ky*KW + kx)*Cin + ci, reads
//   x[b, oy*sy - top + ky, ox*sx - left + kx, ci] (0 outside); B is the HWIO weight tensor as it lies
//   (a constant or, W_ARENA, a tensor computed in the arena: weights.wgsl).
// Tiling: one workgroup owns a BM x BN output tile (BM pixels x BN channels) and walks K in slices of
//   BK. Each slice of A (BM x BK) and of B (BK x BN) is staged in workgroup memory with vec4 loads:
//   4 channels of one tap when Cin % 4 == 0 (VEC_X), 4 output channels when Cout % 4 == 0 (VEC_W);
//   scalar loads otherwise. Each invocation then accumulates a 4-pixel x 4-channel block in four vec4
//   registers (16 multiply-adds per 8 vec4 reads of workgroup memory). POINTWISE (1x1, stride 1, no
//   padding) skips the tap decoding: A is x itself. Workgroup size (BM/4)*(BN/4); grid (Cout/BN,
//   M/BM split over y and z). The epilogue (scale/shift, residual, activation) runs in the
//   write-back (epilogue.wgsl).
override BM: u32 = 64u;
override BN: u32 = 64u;
override VEC_X: bool = false;
override VEC_W: bool = false;
override POINTWISE: bool = false;
const BK: u32 = 32u;
const BK4: u32 = BK / 4u;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

var<workgroup> As: array<vec4<f32>, BM * BK4>;      // [pixel][k / 4]
var<workgroup> Bs: array<vec4<f32>, BK * (BN / 4u)>; // [k][channel / 4]

/** Element index in x of A[m][k], or -1 where the tap falls in the padding. */
fn tapIndex(b: u32, iy0: i32, ix0: i32, k: u32) -> i32 {
  let ci = k % p.cin;
  let r = k / p.cin;
  let iy = iy0 + i32(r / p.kw);
  let ix = ix0 + i32(r % p.kw);
  if (iy < 0 || iy >= i32(p.h) || ix < 0 || ix >= i32(p.w)) {
    return -1;
  }
  return i32(((b * p.h + u32(iy)) * p.w + u32(ix)) * p.cin + ci);
}

/** A[m][k .. k+3] (k a multiple of 4). */
fn loadA(m: u32, k: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (m >= p.m || k >= p.k) {
    return v;
  }
  if (POINTWISE) {
    let base = m * p.cin + k;
    if (VEC_X) {
      return ld4(p.xo + base);
    }
    for (var j = 0u; j < 4u; j++) {
      if (k + j < p.k) {
        v[j] = ld(p.xo + base + j);
      }
    }
    return v;
  }
  let ox = m % p.ow;
  let t = m / p.ow;
  let oy = t % p.oh;
  let b = t / p.oh;
  let iy0 = i32(oy * p.sy) - p.top;
  let ix0 = i32(ox * p.sx) - p.left;
  if (VEC_X) {
    // Cin % 4 == 0: the four k share one tap and are contiguous in x.
    let i = tapIndex(b, iy0, ix0, k);
    if (i >= 0) {
      v = ld4(p.xo + u32(i));
    }
    return v;
  }
  for (var j = 0u; j < 4u; j++) {
    if (k + j < p.k) {
      let i = tapIndex(b, iy0, ix0, k + j);
      if (i >= 0) {
        v[j] = ld(p.xo + u32(i));
      }
    }
  }
  return v;
}

/** B[k][n .. n+3] (n a multiple of 4). */
fn loadB(k: u32, n: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (k >= p.k || n >= p.cout) {
    return v;
  }
  let base = k * p.cout + n;
  if (VEC_W) {
    return wld4(p.wo, base);
  }
  for (var j = 0u; j < 4u; j++) {
    if (n + j < p.cout) {
      v[j] = wld(p.wo, base + j);
    }
  }
  return v;
}

fn store(m: u32, n: u32, acc: vec4<f32>) {
  if (m >= p.m) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    if (n + j < p.cout) {
      let o = m * p.cout + n + j;
      st(p.yo + o, epilogue(acc[j], n + j, o));
    }
  }
}

@compute @workgroup_size((BM / 4u) * (BN / 4u))
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let nt = (BM / 4u) * (BN / 4u);
  let bn4 = BN / 4u;
  let n0 = wid.x * BN;
  let m0 = (wid.y + wid.z * p.tiles_y) * BM;
  let tn = lid % bn4;
  let tm = lid / bn4;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < p.k; k0 += BK) {
    for (var i = lid; i < BM * BK4; i += nt) {
      As[i] = loadA(m0 + i / BK4, k0 + (i % BK4) * 4u);
    }
    for (var i = lid; i < BK * bn4; i += nt) {
      Bs[i] = loadB(k0 + i / bn4, n0 + (i % bn4) * 4u);
    }
    workgroupBarrier();
    for (var k4 = 0u; k4 < BK4; k4++) {
      let b0 = Bs[(k4 * 4u) * bn4 + tn];
      let b1 = Bs[(k4 * 4u + 1u) * bn4 + tn];
      let b2 = Bs[(k4 * 4u + 2u) * bn4 + tn];
      let b3 = Bs[(k4 * 4u + 3u) * bn4 + tn];
      let a0 = As[(tm * 4u) * BK4 + k4];
      let a1 = As[(tm * 4u + 1u) * BK4 + k4];
      let a2 = As[(tm * 4u + 2u) * BK4 + k4];
      let a3 = As[(tm * 4u + 3u) * BK4 + k4];
      acc0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
      acc1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
      acc2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
      acc3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
    }
    workgroupBarrier();
  }
  let n = n0 + tn * 4u;
  let m = m0 + tm * 4u;
  store(m, n, acc0);
  store(m + 1u, n, acc1);
  store(m + 2u, n, acc2);
  store(m + 3u, n, acc3);
}
