// concat along channels (the last axis): [..., C1], [..., C2], ... -> [..., C1+C2+...].
import { fail, type OpDef } from './op.ts';
import { noAttrs } from './elementwise.ts';

export const concat: OpDef<Record<string, never>> = {
  name: 'concat',
  arity: [1, 64],
  parseAttrs: noAttrs('concat'),
  inferShape(xs) {
    const first = xs[0];
    let c = 0;
    for (const s of xs) {
      if (s.length !== first.length || s.slice(0, -1).some((d, i) => d !== first[i])) {
        fail('concat', `shapes [${first.join(', ')}] and [${s.join(', ')}] differ outside the channel axis`);
      }
      c += s[s.length - 1];
    }
    return [...first.slice(0, -1), c];
  },
  ref(xs, shapes, out, os) {
    const oc = os[os.length - 1];
    let offset = 0;
    xs.forEach((x, k) => {
      const c = shapes[k][shapes[k].length - 1];
      for (let p = 0; p < x.length / c; p++) out.set(x.subarray(p * c, (p + 1) * c), p * oc + offset);
      offset += c;
    });
  },
};
