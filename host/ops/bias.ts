import { channelOp } from './elementwise.ts';

/** x + bias[c] */
export const bias = channelOp('bias', ['bias'], (v, [b]) => v + b);
