// conv2d_grad_weight: x [N,H,W,Cin], g [N,OH,OW,Cout] -> dw [KH,KW,Cin,Cout], the weight gradient of a
// conv2d (groups 1) with these kernel, stride and padding: dw[ky,kx,ci,co] = sum x[n, oy*s-top+ky,
// ox*s-left+kx, ci] g[n,oy,ox,co].
import { expectRank, fail, onlyKeys, pairAttr, paddingAttr, slidingWindow, type OpDef, type Padding, type Shape, type Window } from './op.ts';

export interface ConvGradWeightAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

/** The forward conv's window over x. */
const convWindow = ([x]: Shape[], a: ConvGradWeightAttrs): Window => slidingWindow('conv2d_grad_weight', x[1], x[2], a.kernel, a.stride, a.padding);

export const conv2dGradWeight: OpDef<ConvGradWeightAttrs> = {
  name: 'conv2d_grad_weight',
  arity: [2, 2],
  parseAttrs(raw) {
    onlyKeys('conv2d_grad_weight', raw, ['kernel', 'stride', 'padding']);
    return { kernel: pairAttr('conv2d_grad_weight', raw, 'kernel', undefined), stride: pairAttr('conv2d_grad_weight', raw, 'stride', 1), padding: paddingAttr('conv2d_grad_weight', raw) };
  },
  inferShape([x, g], a) {
    expectRank('conv2d_grad_weight', 'input', x, 4);
    expectRank('conv2d_grad_weight', 'gradient', g, 4);
    const win = convWindow([x], a);
    if (g[0] !== x[0] || g[1] !== win.outH || g[2] !== win.outW) fail('conv2d_grad_weight', `gradient [${g.join(', ')}] does not match the conv output [${x[0]}, ${win.outH}, ${win.outW}, C]`);
    return [a.kernel[0], a.kernel[1], x[3], g[3]];
  },
  window: convWindow,
  ref([x, g], [xs, [, oh, ow, cout]], out, _os, a) {
    const [n, h, w, cin] = xs;
    const [kh, kw] = a.kernel;
    const { top, left } = convWindow([xs], a);
    const acc = new Float64Array(out.length);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const gBase = ((b * oh + oy) * ow + ox) * cout;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * a.stride[0] - top + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * a.stride[1] - left + kx;
              if (ix < 0 || ix >= w) continue;
              const xBase = ((b * h + iy) * w + ix) * cin, wBase = (ky * kw + kx) * cin * cout;
              for (let ci = 0; ci < cin; ci++) {
                const xv = x[xBase + ci];
                for (let co = 0; co < cout; co++) acc[wBase + ci * cout + co] += xv * g[gBase + co];
              }
            }
          }
        }
    out.set(acc);
  },
  flops([x, g]: Shape[], os: Shape) {
    return 2 * g[0] * g[1] * g[2] * g[3] * os[0] * os[1] * x[3];
  },
};
