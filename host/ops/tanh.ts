import { noAttrs, unaryOp } from './elementwise.ts';

export const tanh = unaryOp('tanh', noAttrs('tanh'), () => Math.tanh);
