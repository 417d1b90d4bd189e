// Round half to even, as WGSL round() and WebAssembly f32.nearest do, so every backend agrees on ties.
import { noAttrs, unaryOp } from './elementwise.ts';

export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const round = unaryOp('round', noAttrs('round'), () => roundHalfEven);
