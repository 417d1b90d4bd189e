// conv2d: x [N,H,W,Cin], w [KH,KW,Cin/groups,Cout], optional b [Cout] -> [N,OH,OW,Cout].
// Dilation 1. groups = 1 is a dense conv, groups = Cin is depthwise (Cout = Cin * multiplier).
import { expectChannelVector, expectRank, fail, intAttr, onlyKeys, pairAttr, paddingAttr, slidingWindow, type OpDef, type Padding, type Shape, type Window } from './op.ts';

export interface Conv2dAttrs {
  stride: [number, number];
  padding: Padding;
  groups: number;
}

const convWindow = ([x, w]: Shape[], a: Conv2dAttrs): Window => slidingWindow('conv2d', x[1], x[2], [w[0], w[1]], a.stride, a.padding);

export const conv2d: OpDef<Conv2dAttrs> = {
  name: 'conv2d',
  arity: [2, 3],
  parseAttrs(raw) {
    onlyKeys('conv2d', raw, ['stride', 'padding', 'groups']);
    return { stride: pairAttr('conv2d', raw, 'stride', 1), padding: paddingAttr('conv2d', raw), groups: intAttr('conv2d', raw, 'groups', 1, 1) };
  },
  inferShape([x, w, b], a) {
    expectRank('conv2d', 'input', x, 4);
    expectRank('conv2d', 'weights', w, 4);
    const [n, , , cin] = x;
    const [, , cpg, cout] = w;
    if (cin % a.groups || cout % a.groups) fail('conv2d', `groups ${a.groups} must divide Cin ${cin} and Cout ${cout}`);
    if (cpg !== cin / a.groups) fail('conv2d', `weights [${w.join(', ')}] need dim 2 = Cin/groups = ${cin / a.groups}`);
    if (b) expectChannelVector('conv2d', 'bias', b, cout);
    const win = convWindow([x, w], a);
    return [n, win.outH, win.outW, cout];
  },
  window: convWindow,
  ref([x, w, b], [xs, ws], out, os, a) {
    const [n, h, wd, cin] = xs;
    const [kh, kw, cpg, cout] = ws;
    const [, oh, ow] = os;
    const { top, left } = convWindow([xs, ws], a);
    const opg = cout / a.groups; // output channels per group
    const acc = new Float64Array(cout);
    for (let bi = 0; bi < n; bi++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          for (let co = 0; co < cout; co++) acc[co] = b ? b[co] : 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * a.stride[0] - top + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * a.stride[1] - left + kx;
              if (ix < 0 || ix >= wd) continue;
              const xBase = ((bi * h + iy) * wd + ix) * cin;
              const wBase = (ky * kw + kx) * cpg * cout;
              for (let g = 0; g < a.groups; g++)
                for (let ci = 0; ci < cpg; ci++) {
                  const xv = x[xBase + g * cpg + ci];
                  const wRow = wBase + ci * cout;
                  for (let co = g * opg; co < (g + 1) * opg; co++) acc[co] += xv * w[wRow + co];
                }
            }
          }
          out.set(acc, ((bi * oh + oy) * ow + ox) * cout);
        }
  },
  flops([, w], os) {
    return 2 * os[0] * os[1] * os[2] * os[3] * w[0] * w[1] * w[2];
  },
};
