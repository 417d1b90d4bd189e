// quad.wgsl: an appended part. 4 consecutive channels of a tensor from element i as a vec4, one vec4
// load when the kernel's VEC override says C % 4 == 0, else nc scalar loads (zeros beyond). Kernels
// that call quad() declare `override VEC: bool`.
fn quad(i: u32, nc: u32) -> vec4<f32> {
  if (VEC) {
    return ld4(i);
  }
  var v = vec4<f32>(0.0);
  for (var j = 0u; j < nc; j++) {
    v[j] = ld(i + j);
  }
  return v;
}
