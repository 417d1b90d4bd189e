import * as assert from 'uvu/assert';
import { getOp } from '../host/ops/index.ts';
import { size, type Shape } from '../host/ops/op.ts';

/** Runs one op's reference on small inputs; the output starts as NaN so an unwritten element shows. */
export function runRef(op: string, inputs: Array<[number[] | Float32Array, Shape]>, attrs: Record<string, unknown> = {}): { shape: Shape; data: number[] } {
  const def = getOp(op);
  if (!def) throw new Error(`no op ${op}`);
  const a = def.parseAttrs(attrs);
  const shapes = inputs.map(([, s]) => s);
  const shape = def.inferShape(shapes, a);
  const out = new Float32Array(size(shape)).fill(NaN);
  def.ref(inputs.map(([d]) => Float32Array.from(d)), shapes, out, shape, a);
  return { shape, data: Array.from(out) };
}

export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, msg = ''): void {
  assert.is(actual.length, expected.length, `${msg} length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) assert.unreachable(`${msg} [${i}]: ${actual[i]} != ${expected[i]} (tol ${tol})`);
  }
}

export const range = (n: number, f = (i: number) => i + 1) => Array.from({ length: n }, (_, i) => f(i));

export function throwsWith(fn: () => unknown, pattern: RegExp, msg?: string): void {
  try {
    fn();
  } catch (e) {
    assert.match((e as Error).message, pattern, msg);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}
