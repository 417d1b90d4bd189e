import { fail, numAttr, onlyKeys } from './op.ts';
import { unaryOp } from './elementwise.ts';

export const clamp = unaryOp(
  'clamp',
  (raw) => {
    onlyKeys('clamp', raw, ['min', 'max']);
    const min = numAttr('clamp', raw, 'min');
    const max = numAttr('clamp', raw, 'max');
    if (min > max) fail('clamp', `min ${min} > max ${max}`);
    return { min, max };
  },
  ({ min, max }) => (v) => (v < min ? min : v > max ? max : v),
);
