// epilogue.wgsl: appended after common.wgsl to the head kernels conv2d, conv2d_grouped, conv2d_naive,
// conv_transpose2d and dense (not an entry point; activation.wgsl comes with it). A head's write-back
// applies, per output element o of channel c,
//     out = act(acc * scale[c] + shift[c] + residual[o])
// with scale and shift packed into one buffer `ss` = [scale(C), shift(C)], the residual read from the
// arena at offset p.res when HAS_RES, and the activation of activation.wgsl. It reads the epilogue
// fields every head kernel's Params has (nc, p0, p1, res: EPILOGUE in host/backends/webgpu/signatures.ts).
override HAS_RES: bool = false;

@group(0) @binding(8) var<storage, read> ss: array<f32>;

fn epilogue(acc: f32, c: u32, o: u32) -> f32 {
  var r = acc * ss[c] + ss[p.nc + c];
  if (HAS_RES) {
    r = r + ld(p.res + o);
  }
  return activate(r, p.p0, p.p1);
}
