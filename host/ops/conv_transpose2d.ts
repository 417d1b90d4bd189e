// conv_transpose2d (a.k.a. deconvolution): x [N,H,W,Cin], w [KH,KW,Cin,Cout], optional b [Cout]
// -> [N, (H-1)*s - pt - pb + KH + oph, (W-1)*s - pl - pr + KW + opw, Cout].
// The gradient of conv2d with respect to its input: each input pixel scatters a KHxKW patch.
// padding crops the full output (PyTorch's convention); output_padding adds rows/cols at the bottom/right.
import { expectChannelVector, expectRank, fail, onlyKeys, pairAttr, paddingAttr, type OpDef, type Padding, type Shape, type Window } from './op.ts';

export interface ConvTranspose2dAttrs {
  stride: [number, number];
  /** 'valid' (crop nothing), 'same' (output = input * stride) or [top, bottom, left, right] cropped. */
  padding: Padding;
  outputPadding: [number, number];
}

/** The [top, bottom, left, right] crop for a kernel size. */
export function convTransposePads(p: Padding, k: [number, number], s: [number, number]): [number, number, number, number] {
  if (p === 'valid') return [0, 0, 0, 0];
  if (p === 'same') {
    // Output = input * stride: crop k - s in total, the larger half at the bottom/right.
    const th = k[0] - s[0], tw = k[1] - s[1];
    if (th < 0 || tw < 0) fail('conv_transpose2d', `padding "same" needs kernel >= stride, got kernel ${k} stride ${s}`);
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  return p;
}

/** Kernel, stride, output size, and (top, left) cropped from the full output. */
function transposeWindow([x, w]: Shape[], a: ConvTranspose2dAttrs): Window {
  const [pt, pb, pl, pr] = convTransposePads(a.padding, [w[0], w[1]], a.stride);
  const outH = (x[1] - 1) * a.stride[0] - pt - pb + w[0] + a.outputPadding[0];
  const outW = (x[2] - 1) * a.stride[1] - pl - pr + w[1] + a.outputPadding[1];
  if (outH < 1 || outW < 1) fail('conv_transpose2d', `output ${outH}x${outW} is empty`);
  return { kernel: [w[0], w[1]], stride: [a.stride[0], a.stride[1]], outH, outW, top: pt, left: pl };
}

export const convTranspose2d: OpDef<ConvTranspose2dAttrs> = {
  name: 'conv_transpose2d',
  arity: [2, 3],
  parseAttrs(raw) {
    onlyKeys('conv_transpose2d', raw, ['stride', 'padding', 'output_padding']);
    const stride = pairAttr('conv_transpose2d', raw, 'stride', 1);
    const outputPadding = pairAttr('conv_transpose2d', raw, 'output_padding', 0, 0);
    if (outputPadding[0] >= stride[0] || outputPadding[1] >= stride[1]) fail('conv_transpose2d', `output_padding ${outputPadding} must be smaller than stride ${stride}`);
    return { stride, outputPadding, padding: paddingAttr('conv_transpose2d', raw) };
  },
  inferShape([x, w, b], a) {
    expectRank('conv_transpose2d', 'input', x, 4);
    expectRank('conv_transpose2d', 'weights', w, 4);
    const [n, , , cin] = x;
    const [, , wcin, cout] = w;
    if (wcin !== cin) fail('conv_transpose2d', `weights [${w.join(', ')}] need dim 2 = Cin = ${cin}`);
    if (b) expectChannelVector('conv_transpose2d', 'bias', b, cout);
    const win = transposeWindow([x, w], a);
    return [n, win.outH, win.outW, cout];
  },
  window: transposeWindow,
  ref([x, w, b], [xs, ws], out, os, a) {
    const [n, h, wd, cin] = xs;
    const [kh, kw, , cout] = ws;
    const [, oh, ow] = os;
    const { top: pt, left: pl } = transposeWindow([xs, ws], a);
    const acc = new Float64Array(out.length);
    for (let i = 0; i < acc.length; i++) acc[i] = b ? b[i % cout] : 0;
    for (let bi = 0; bi < n; bi++)
      for (let iy = 0; iy < h; iy++)
        for (let ix = 0; ix < wd; ix++) {
          const xBase = ((bi * h + iy) * wd + ix) * cin;
          for (let ky = 0; ky < kh; ky++) {
            const oy = iy * a.stride[0] - pt + ky;
            if (oy < 0 || oy >= oh) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ox = ix * a.stride[1] - pl + kx;
              if (ox < 0 || ox >= ow) continue;
              const oBase = ((bi * oh + oy) * ow + ox) * cout;
              for (let ci = 0; ci < cin; ci++) {
                const xv = x[xBase + ci];
                const wRow = ((ky * kw + kx) * cin + ci) * cout;
                for (let co = 0; co < cout; co++) acc[oBase + co] += xv * w[wRow + co];
              }
            }
          }
        }
    out.set(acc);
  },
  flops([x, w]: Shape[]) {
    return 2 * x[0] * x[1] * x[2] * x[3] * w[0] * w[1] * w[3];
  },
};
