import { noAttrs, unaryOp } from './elementwise.ts';

export const relu = unaryOp('relu', noAttrs('relu'), () => (v) => (v > 0 ? v : 0));
