// The WebGPU kernels' signature table: for every kernel shader wgsl/<name>.wgsl (one entry point,
// `main`), the fields of its uniform `Params` (binding 0) in order. scripts/gen-shaders.mjs writes each
// shader's `struct Params` from its entry (wgslStruct), so no WGSL file declares one; the lowerings
// (lower/*.ts) fill the fields by name through writeParams, so a missing, misspelt or mistyped field
// does not compile. Every field is a 32-bit scalar written as its bit pattern (u32 and i32 as integers,
// f32 as a float), so the uniform layout is just the field order: no nested struct, hence no 16-byte
// member alignment to keep; wgslStruct pads the struct to a multiple of 16 bytes, within the 256-byte
// params slot of each dispatch. Pointers are float offsets into the arena (binding 1), never "no
// tensor" (0 is a valid offset: an unused pointer is read by no code path). Shapes are NHWC.
import { f32, i32, packArgs, ptr, u32, type ArgsOf, type KernelSignature } from '../signature.ts';

/** Kernel window of conv / pool ops and their gradients, resolved by the planner (Step.window). */
const WINDOW = [
  u32('kh', 'kernel height'), u32('kw', 'kernel width'), u32('sy', 'vertical stride'), u32('sx', 'horizontal stride'),
  i32('top', 'padding rows above the input (conv_transpose2d: rows cropped from the top of the full output)'),
  i32('left', 'padding columns left of the input (conv_transpose2d: columns cropped on the left)'),
] as const;

/**
 * Fused write-back of the head kernels (wgsl/epilogue.wgsl reads these fields of `p`): out = act(acc *
 * scale[c] + shift[c] + res[o]), scale/shift packed at binding 8, the activation an override (ACT).
 */
const EPILOGUE = [
  u32('nc', 'channels (the length of scale and of shift in the packed binding 8)'),
  f32('p0', 'leaky_relu alpha, clamp min'),
  f32('p1', 'clamp max'),
  ptr('res', 'residual, shaped as the output (read only when HAS_RES)'),
] as const;

/** conv input and output sizes. */
const CONV_SIZES = [
  u32('h', 'input height'), u32('w', 'input width'), u32('cin', 'input channels'),
  u32('oh', 'output height'), u32('ow', 'output width'), u32('cout', 'output channels'),
] as const;

/** Image in, image out with the same channels: [N,H,W,C] -> [N,OH,OW,C]. */
const IMAGE_SIZES = [
  u32('h', 'input height'), u32('w', 'input width'), u32('c', 'channels'), u32('oh', 'output height'), u32('ow', 'output width'),
] as const;

/** pad and crop: the small image sits at (top, left, cb) in the large one. */
const PLACEMENT = [
  u32('h', 'input height'), u32('w', 'input width'), u32('c', 'input channels'),
  u32('oh', 'output height'), u32('ow', 'output width'), u32('oc', 'output channels'),
  u32('top', 'rows above the small image'), u32('left', 'columns left of the small image'), u32('cb', 'channels before the small image'),
] as const;

const WEIGHT = ptr('wo', 'the weights in the arena when they are computed (W_ARENA, wgsl/weights.wgsl); unread otherwise');
const TOTAL_QUADS = u32('total', 'invocations: output pixels x ceil(channels / 4)');
const TOTAL = u32('total', 'output elements (one per invocation)');

export const WEBGPU_KERNELS = {
  conv2d: {
    units: 'a 4-pixel x 4-channel block of a BM x BN output tile',
    params: [
      ptr('xo', '[N,H,W,Cin]'), WEIGHT, ptr('yo', '[N,OH,OW,Cout]'), ...CONV_SIZES, ...WINDOW,
      u32('m', 'output pixels N*OH*OW (GEMM rows)'), u32('k', 'KH*KW*Cin (GEMM reduction)'), u32('tiles_y', 'grid y: row tiles beyond it continue in grid z'),
      ...EPILOGUE,
    ],
  },
  conv2d_naive: {
    units: 'one output element',
    params: [ptr('xo', '[N,H,W,Cin]'), WEIGHT, ptr('yo', '[N,OH,OW,Cout]'), ...CONV_SIZES, ...WINDOW, TOTAL, ...EPILOGUE],
  },
  conv2d_grouped: {
    units: 'one output pixel x 4 output channels',
    params: [
      ptr('xo', '[N,H,W,Cin]'), WEIGHT, ptr('yo', '[N,OH,OW,Cout]'), ...CONV_SIZES, ...WINDOW, TOTAL_QUADS,
      u32('cpg', 'input channels per group'), u32('opg', 'output channels per group'), ...EPILOGUE,
    ],
  },
  conv_transpose2d: {
    units: 'one output pixel x 4 output channels',
    params: [ptr('xo', '[N,H,W,Cin]'), WEIGHT, ptr('yo', '[N,OH,OW,Cout]'), ...CONV_SIZES, ...WINDOW, TOTAL_QUADS, ...EPILOGUE],
  },
  dense: {
    units: '4 consecutive outputs of one row',
    params: [ptr('xo', '[N,K]'), WEIGHT, ptr('yo', '[N,M]'), u32('k', 'inputs'), u32('m', 'outputs'), u32('rows', 'rows of x (N)'), ...EPILOGUE],
  },
  elementwise: {
    units: '4 consecutive elements',
    params: [
      ptr('xo', 'any shape'), ptr('zo', 'second operand of add / mul, shaped as x; unread otherwise'), ptr('yo', 'shaped as x'),
      u32('n', 'elements'), f32('p0', 'leaky_relu alpha, clamp min'), f32('p1', 'clamp max'),
    ],
  },
  channel: {
    units: 'one element',
    params: [ptr('xo', '[..., C]'), ptr('yo', 'shaped as x'), u32('n', 'elements'), u32('c', 'channels (parameters at binding 2)')],
  },
  pool: {
    units: 'one output pixel x 4 channels',
    params: [ptr('xo', '[N,H,W,C]'), ptr('yo', '[N,OH,OW,C]'), ...IMAGE_SIZES, ...WINDOW, TOTAL_QUADS],
  },
  global_mean: {
    units: 'one (image, channel)',
    params: [ptr('xo', '[N,HW,C]'), ptr('yo', '[N,C]'), u32('hw', 'pixels per image'), u32('c', 'channels'), u32('total', 'N * C')],
  },
  resize_bilinear: {
    units: 'one output pixel x 4 channels',
    params: [ptr('xo', '[N,H,W,C]'), ptr('yo', '[N,OH,OW,C]'), ...IMAGE_SIZES, TOTAL_QUADS, f32('ry', 'H / OH'), f32('rx', 'W / OW')],
  },
  depth_to_space: {
    units: 'one output element',
    params: [
      ptr('xo', 'deep [N,H/B,W/B,C*B*B] (D2S) or shallow [N,H,W,C]'), ptr('yo', 'the other one'),
      u32('h', 'shallow height'), u32('w', 'shallow width'), u32('c', 'shallow channels'), u32('block', 'block size B'), TOTAL,
    ],
  },
  pad: {
    units: 'one output element',
    params: [ptr('xo', '[N,H,W,C]'), ptr('yo', '[N,OH,OW,OC]'), ...PLACEMENT, TOTAL, f32('value', 'fill value')],
  },
  concat: {
    units: 'one element of the input',
    params: [
      ptr('xo', 'one input [P, C]'), ptr('yo', '[P, OC]'), u32('c', 'input channels'), u32('oc', 'output channels'),
      u32('off', 'first output channel of this input'), u32('total', 'input elements'),
    ],
  },
  slice: {
    units: 'one output element',
    params: [ptr('xo', '[P, C]'), ptr('yo', '[P, OC]'), u32('c', 'input channels'), u32('oc', 'output channels'), u32('start', 'first input channel'), TOTAL],
  },
  act_grad: {
    units: '4 consecutive elements',
    params: [
      ptr('vo', "the activation's output (its input for clamp; host/ops/act_grad.ts)"),
      ptr('go', 'output gradient, shaped as v'), ptr('yo', 'input gradient, shaped as v'),
      u32('n', 'elements'), f32('p0', 'leaky_relu alpha, clamp min'), f32('p1', 'clamp max'),
    ],
  },
  channel_sum: {
    units: '4 channels x one of 16 row lanes (a 16 x 16 workgroup owns 64 channels)',
    params: [
      ptr('xo', '[rows, C]'), ptr('yo', '[splits, C]: row s sums rows [s * chunk, (s + 1) * chunk)'),
      u32('rows', 'rows of x'), u32('c', 'channels'), u32('chunk', 'rows per split (grid y)'),
    ],
  },
  conv2d_grad_weight: {
    units: 'a 4 (k) x 4 (output channel) block of a TK x TN tile of dW',
    params: [
      ptr('xo', 'forward input [N,H,W,Cin]'), ptr('go', 'output gradient [N,OH,OW,Cout]'), ptr('yo', 'dW [KH,KW,Cin,Cout], or the scratch [splits, KH*KW*Cin*Cout]'),
      ...CONV_SIZES, ...WINDOW,
      u32('m', 'output pixels N*OH*OW (the reduction)'), u32('k', 'KH*KW*Cin (rows of dW)'), u32('chunk', 'pixels per split (grid z)'),
    ],
  },
  weight_transpose: {
    units: 'one output element',
    params: [
      ptr('xo', 'w [KH,KW,A,B]'), ptr('yo', '[KH,KW,B,A]'), u32('a', 'rows of each tap'), u32('b', 'columns of each tap'),
      u32('taps', 'KH * KW (1 for a matrix)'), TOTAL,
    ],
  },
  pool_grad: {
    units: 'one input pixel x 4 channels',
    params: [
      ptr('xo', 'forward input [N,H,W,C]'), ptr('go', 'output gradient [N,OH,OW,C]'), ptr('yo', 'input gradient [N,H,W,C]'),
      ...IMAGE_SIZES, ...WINDOW, u32('total', 'invocations: input pixels x ceil(C / 4)'),
    ],
  },
  global_mean_grad: {
    units: 'one output element',
    params: [ptr('go', '[N,C]'), ptr('yo', '[N,HW,C]'), u32('hw', 'pixels per image'), u32('c', 'channels'), TOTAL],
  },
  resize_bilinear_grad: {
    units: 'one input pixel x 4 channels',
    params: [
      ptr('go', 'output gradient [N,OH,OW,C]'), ptr('yo', 'input gradient [N,H,W,C]'), ...IMAGE_SIZES,
      u32('total', 'invocations: input pixels x ceil(C / 4)'), f32('ry', 'H / OH'), f32('rx', 'W / OW'),
    ],
  },
  crop: {
    units: 'one output element',
    params: [ptr('xo', '[N,H,W,C]'), ptr('yo', '[N,OH,OW,OC]'), ...PLACEMENT, TOTAL],
  },
} as const satisfies Record<string, KernelSignature>;

export type WebGPUKernel = keyof typeof WEBGPU_KERNELS;
export type KernelParams<K extends WebGPUKernel> = ArgsOf<(typeof WEBGPU_KERNELS)[K]>;

/** The uniform words of one dispatch of `kernel` (f32 fields as bit patterns), in its Params order. */
export function writeParams<K extends WebGPUKernel>(kernel: K, args: KernelParams<K>): Int32Array {
  return packArgs(kernel, WEBGPU_KERNELS[kernel], args);
}
