import { binaryOp } from './elementwise.ts';

export const mul = binaryOp('mul', (a, b) => a * b);
