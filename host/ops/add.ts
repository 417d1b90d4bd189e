import { binaryOp } from './elementwise.ts';

export const add = binaryOp('add', (a, b) => a + b);
