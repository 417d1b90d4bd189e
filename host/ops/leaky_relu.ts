import { numAttr, onlyKeys } from './op.ts';
import { unaryOp } from './elementwise.ts';

export const leakyRelu = unaryOp(
  'leaky_relu',
  (raw) => {
    onlyKeys('leaky_relu', raw, ['alpha']);
    return { alpha: numAttr('leaky_relu', raw, 'alpha', 0.2) };
  },
  ({ alpha }) => (v) => (v > 0 ? v : alpha * v),
);
