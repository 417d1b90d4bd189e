import { channelOp } from './elementwise.ts';

/** x * scale[c] + shift[c]: folded batch norm, dlib's affine layer, input normalisation. */
export const affine = channelOp('affine', ['scale', 'shift'], (v, [s, t]) => v * s + t);
