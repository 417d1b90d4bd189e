// Compile-time checks of the typed kernel writers (not a test file: test/backends/signatures.test.ts runs
// tsc on it, and npm run typecheck covers it too). Each @ts-expect-error line must fail to compile; if
// the writer's types ever let one through, tsc reports the directive as unused.
import { NULL_PTR } from '../../host/backends/signature.ts';
import { writeArgs } from '../../host/backends/wasm/signatures.ts';
import { writeParams } from '../../host/backends/webgpu/signatures.ts';

const p = NULL_PTR;
export const good = writeArgs('global_mean_x4', { x: p, out: p, HW: 4, C: 3 });
// @ts-expect-error: C missing
writeArgs('global_mean_x4', { x: p, out: p, HW: 4 });
// @ts-expect-error: c is not an argument (misspelt C)
writeArgs('global_mean_x4', { x: p, out: p, HW: 4, C: 3, c: 3 });
// @ts-expect-error: a size where a pointer goes
writeArgs('global_mean_x4', { x: 4096, out: p, HW: 4, C: 3 });
// @ts-expect-error: not a POOL_KIND
writeArgs('pool_x4', { x: p, out: p, N: 1, H: 4, W: 4, C: 1, OH: 2, OW: 2, KH: 2, KW: 2, SH: 2, SW: 2, PT: 0, PL: 0, kind: 'mean' });
// @ts-expect-error: an ACT_CODE where an ELEMENTWISE_OP goes
writeArgs('unary_x4', { x: p, out: p, op: 'relu', act: 'relu', p0: 0, p1: 0 });
// @ts-expect-error: a number where a bool goes
writeArgs('weight_transpose', { w: p, out: p, KH: 1, KW: 1, A: 2, B: 3, flip: 1 });
// @ts-expect-error: not a kernel
writeArgs('conv2d_nhwc_8x8', { x: p });

// The WebGPU writer (host/backends/webgpu/signatures.ts) is typed the same way.
export const goodParams = writeParams('slice', { xo: p, yo: p, c: 8, oc: 4, start: 2, total: 16 });
// @ts-expect-error: total missing
writeParams('slice', { xo: p, yo: p, c: 8, oc: 4, start: 2 });
// @ts-expect-error: begin is not a field (misnamed start)
writeParams('slice', { xo: p, yo: p, c: 8, oc: 4, begin: 2, total: 16 });
// @ts-expect-error: a size where an arena offset goes
writeParams('slice', { xo: 64, yo: p, c: 8, oc: 4, start: 2, total: 16 });
// @ts-expect-error: a string where an f32 goes
writeParams('elementwise', { xo: p, zo: p, yo: p, n: 4, p0: '0.5', p1: 0 });
// @ts-expect-error: not a kernel shader
writeParams('conv3d', { xo: p });
