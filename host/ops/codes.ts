// The op codes the kernels of every backend read (AssemblyScript argument slots in kernels/, WGSL
// overrides in wgsl/): one table, so a number means the same thing in both. kernels/codes.ts is
// generated from this file (npm run build:kernels) as AssemblyScript enums of the same names; a kernel
// signature's `code` parameter (host/backends/signature.ts) takes the name and writes the number.

/** Activation: fused epilogues (kernels/common.ts actVec, wgsl/epilogue.wgsl ACT) and act_grad. */
export const ACT_CODE = { none: 0, relu: 1, leaky_relu: 2, clamp: 3, tanh: 4, sigmoid: 5 } as const;

/** Elementwise kernels (wasm unary_x4 / binary_x4, wgsl/elementwise.wgsl OP); `act` applies ACT_CODE. */
export const ELEMENTWISE_OP = { act: 0, round: 1, add: 2, mul: 3 } as const;

/** Per-channel kernels (wasm channel_x4, wgsl/channel.wgsl OP; WebGPU runs bias as affine with scale 1). */
export const CHANNEL_OP = { affine: 0, prelu: 1, bias: 2 } as const;

/** Pooling and its gradient (wasm pool_x4, pool_grad_x1): which reduction. */
export const POOL_KIND = { max: 0, avg: 1 } as const;

/** Block rearrangement (wasm depth_space_rows): which direction. */
export const DEPTH_SPACE_OP = { depth_to_space: 0, space_to_depth: 1 } as const;
