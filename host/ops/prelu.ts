import { channelOp } from './elementwise.ts';

/** x > 0 ? x : slope[c] * x */
export const prelu = channelOp('prelu', ['slope'], (v, [s]) => (v > 0 ? v : s * v));
