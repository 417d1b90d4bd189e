import { noAttrs, unaryOp } from './elementwise.ts';

export const sigmoid = unaryOp('sigmoid', noAttrs('sigmoid'), () => (v) => 1 / (1 + Math.exp(-v)));
