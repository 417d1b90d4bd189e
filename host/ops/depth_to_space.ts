// depth_to_space / space_to_depth with block size B, TensorFlow's DCR order in NHWC:
//   [N,H,W,C*B*B] <-> [N,H*B,W*B,C],  deep[n,y,x,(by*B+bx)*C+c] = shallow[n,y*B+by,x*B+bx,c]
import { expectRank, fail, intAttr, onlyKeys, type OpDef, type Shape } from './op.ts';

export interface BlockAttrs {
  block: number;
}

/** Calls f(deepIndex, shallowIndex) for every element; deep is [N,H,W,C*B*B]. */
export function forEachPair(deep: Shape, block: number, f: (d: number, s: number) => void): void {
  const [n, h, w, dc] = deep;
  const c = dc / (block * block);
  const sw = w * block;
  let d = 0;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let by = 0; by < block; by++)
          for (let bx = 0; bx < block; bx++) {
            const s = (((b * h * block + y * block + by) * sw) + x * block + bx) * c;
            for (let ch = 0; ch < c; ch++) f(d++, s + ch);
          }
}

const parse = (name: string) => (raw: Record<string, unknown>): BlockAttrs => {
  onlyKeys(name, raw, ['block']);
  return { block: intAttr(name, raw, 'block', undefined, 1) };
};

export const depthToSpace: OpDef<BlockAttrs> = {
  name: 'depth_to_space',
  arity: [1, 1],
  parseAttrs: parse('depth_to_space'),
  inferShape([x], { block }) {
    expectRank('depth_to_space', 'input', x, 4);
    if (x[3] % (block * block)) fail('depth_to_space', `channels ${x[3]} not divisible by block^2 = ${block * block}`);
    return [x[0], x[1] * block, x[2] * block, x[3] / (block * block)];
  },
  ref([x], [xs], out, _os, { block }) {
    forEachPair(xs, block, (d, s) => (out[s] = x[d]));
  },
};

export const spaceToDepth: OpDef<BlockAttrs> = {
  name: 'space_to_depth',
  arity: [1, 1],
  parseAttrs: parse('space_to_depth'),
  inferShape([x], { block }) {
    expectRank('space_to_depth', 'input', x, 4);
    if (x[1] % block || x[2] % block) fail('space_to_depth', `size ${x[1]}x${x[2]} not divisible by block ${block}`);
    return [x[0], x[1] / block, x[2] / block, x[3] * block * block];
  },
  ref([x], _s, out, os, { block }) {
    forEachPair(os, block, (d, s) => (out[d] = x[s]));
  },
};
