// channel_sum.wgsl: x [P, C] -> [C], the sum over the P rows (bias and scale gradients; also the
// second pass that adds up conv2d_grad_weight's partial sums). A workgroup of 16 x 16 invocations
// owns 16 channel quads (64 channels) and splits its rows over 16 lanes: lane r adds rows r, r + 16,
// ... of the rows [s * chunk, (s + 1) * chunk) as vec4s (scalar loads when C % 4 != 0, VEC off); then
// lane 0 adds the 16 lane sums in a fixed order from workgroup memory. Grid (ceil(C / 64), splits):
// split s writes row s of y [splits, C], so a long P runs as two dispatches (splits into the scratch
// region, then one split over those rows).
override VEC: bool = false;

@group(0) @binding(0) var<uniform> p: Params; // generated: host/backends/webgpu/signatures.ts

var<workgroup> lanes: array<vec4<f32>, 256>; // [lane][quad]

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let c0 = (wid.x * 16u + lid.x) * 4u;
  let nc = select(0u, min(4u, p.c - c0), c0 < p.c);
  let r0 = wid.y * p.chunk;
  let r1 = min(p.rows, r0 + p.chunk);
  var acc = vec4<f32>(0.0);
  if (nc > 0u) {
    for (var r = r0 + lid.y; r < r1; r += 16u) {
      let i = p.xo + r * p.c + c0;
      if (VEC) {
        acc += ld4(i);
      } else {
        for (var j = 0u; j < nc; j++) {
          acc[j] += ld(i + j);
        }
      }
    }
  }
  lanes[lid.y * 16u + lid.x] = acc;
  workgroupBarrier();
  if (lid.y != 0u || nc == 0u) {
    return;
  }
  var s = lanes[lid.x];
  for (var k = 1u; k < 16u; k++) {
    s += lanes[k * 16u + lid.x];
  }
  for (var j = 0u; j < nc; j++) {
    st(p.yo + wid.y * p.c + c0 + j, s[j]);
  }
}
