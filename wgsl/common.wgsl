// common.wgsl: appended to every kernel (not an entry point). The activation arena is one storage
// buffer bound whole at binding 1 and addressed by float offsets from each kernel's uniform params.
// One binding for all activations sidesteps WebGPU's usage rules for different ranges of one buffer
// (a dispatch may not use a buffer both read-only and writable); the executor guarantees that an
// output never overlaps what the step reads. It is declared as vec4s so kernels can load 4 channels
// at once (tensor offsets are multiples of 64 floats); ld/st move single floats.
// Each kernel's uniform `p` (binding 0) is a `struct Params` that scripts/gen-shaders.mjs writes from
// the kernel's entry in host/backends/webgpu/signatures.ts, with the op codes the shader names
// (`ACT_CODE_relu`, `ELEMENTWISE_OP_round`, ...: host/ops/codes.ts) as constants; neither is written here.
@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

fn ld(i: u32) -> f32 {
  return arena[i >> 2u][i & 3u];
}

/** Four floats from i, a multiple of 4. */
fn ld4(i: u32) -> vec4<f32> {
  return arena[i >> 2u];
}

fn st(i: u32, v: f32) {
  arena[i >> 2u][i & 3u] = v;
}

/** Linear invocation index for 1-D kernels of 64-wide workgroups laid over grid x and y. */
fn linearIndex(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * 64u;
}
