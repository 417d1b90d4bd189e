// GENERATED from host/ops/codes.ts by kernels/gen/generate.mjs (npm run build:kernels): do not edit.
// The op codes every backend shares, as enums of the same names: a kernel compares its `code`
// arguments with these.

export const enum ACT_CODE {
  none = 0,
  relu = 1,
  leaky_relu = 2,
  clamp = 3,
  tanh = 4,
  sigmoid = 5,
}

export const enum CHANNEL_OP {
  affine = 0,
  prelu = 1,
  bias = 2,
}

export const enum DEPTH_SPACE_OP {
  depth_to_space = 0,
  space_to_depth = 1,
}

export const enum ELEMENTWISE_OP {
  act = 0,
  round = 1,
  add = 2,
  mul = 3,
}

export const enum POOL_KIND {
  max = 0,
  avg = 1,
}
