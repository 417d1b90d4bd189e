// The kernel module: every export is `kernel(args, start, end)` (see common.ts) except the peak probe.
// Built twice by asc (asconfig.json): plain SIMD and relaxed SIMD (fused multiply-add).
export { conv2d_nhwc_4x8, conv2d_nhwc_2x16 } from './conv2d_tiles';
export { conv2d_depthwise_1x4 } from './conv2d_depthwise';
export { conv2d_grouped_scalar } from './conv2d_grouped';
export { conv2d_grad_w_4x8 } from './conv2d_grad';
export { conv_transpose2d_gather_1x8 } from './conv_transpose2d';
export { dense_1x16 } from './dense';
export { unary_x4, binary_x4, channel_x4 } from './elementwise';
export { pool_x4, global_mean_x4 } from './pool';
export { pad_rows, depth_space_rows, resize_bilinear_rows, channel_copy } from './layout';
export { act_grad_x4, channel_sum_x4, weight_transpose, pool_grad_x1, global_mean_grad_x1, resize_bilinear_grad_x1, crop_rows } from './grad';
export { peak_f32x4_8, peak_f32x4_12 } from './peak';
