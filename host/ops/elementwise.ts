// Factories for the elementwise op families; each op lives in its own file and is one line here-from.
//   unary:       any shape -> same shape
//   binary:      two tensors of the same shape -> same shape
//   per-channel: x [..., C] with parameter vectors [C] applied along the last axis
import { expectChannelVector, fail, onlyKeys, type OpDef, type RawAttrs } from './op.ts';

export const noAttrs = (name: string) => (raw: RawAttrs): Record<string, never> => {
  onlyKeys(name, raw, []);
  return {};
};

export function unaryOp<A>(name: string, parseAttrs: (raw: RawAttrs) => A, make: (a: A) => (v: number) => number): OpDef<A> {
  return {
    name,
    arity: [1, 1],
    parseAttrs,
    inferShape: ([x]) => x.slice(),
    ref([x], _s, out, _os, a) {
      const f = make(a);
      for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
    },
  };
}

export function binaryOp(name: string, f: (a: number, b: number) => number): OpDef<Record<string, never>> {
  return {
    name,
    arity: [2, 2],
    parseAttrs: noAttrs(name),
    inferShape([a, b]) {
      if (a.length !== b.length || a.some((d, i) => d !== b[i])) fail(name, `shapes [${a.join(', ')}] and [${b.join(', ')}] differ`);
      return a.slice();
    },
    ref([a, b], _s, out) {
      for (let i = 0; i < a.length; i++) out[i] = f(a[i], b[i]);
    },
  };
}

export function channelOp(name: string, params: string[], f: (v: number, p: number[]) => number): OpDef<Record<string, never>> {
  const n = params.length + 1;
  return {
    name,
    arity: [n, n],
    parseAttrs: noAttrs(name),
    inferShape([x, ...ps]) {
      if (x.length < 1) fail(name, 'input must have rank >= 1');
      const c = x[x.length - 1];
      ps.forEach((p, i) => expectChannelVector(name, params[i], p, c));
      return x.slice();
    },
    ref([x, ...ps], [xs], out) {
      const c = xs[xs.length - 1];
      const p = new Array<number>(ps.length);
      for (let i = 0; i < x.length; i++) {
        const ch = i % c;
        for (let j = 0; j < ps.length; j++) p[j] = ps[j][ch];
        out[i] = f(x[i], p);
      }
    },
  };
}
