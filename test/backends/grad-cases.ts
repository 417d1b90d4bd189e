// Harness cases for the backward ops (host/ops/act_grad.ts ... crop.ts) and for forward ops reading
// weights computed in the arena (training's transposed weights), run by every backend suite.
import type { GraphNode } from '../../host/format/graph.ts';
import type { Case } from './harness.ts';

const node = (op: string, inputs: string[], attrs?: Record<string, unknown>, out = 'y'): GraphNode => ({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
const one = (name: string, op: string, inputs: Record<string, number[]>, attrs?: Record<string, unknown>, scale?: number): Case => ({ name, inputs, nodes: [node(op, Object.keys(inputs), attrs)], ...(scale ? { scale } : {}) });

export function backwardCases(): Case[] {
  const cases: Case[] = [];
  for (const xs of [[1, 3, 5, 1], [2, 4, 3, 5], [1, 7, 9, 64]]) {
    for (const act of ['relu', 'tanh', 'sigmoid']) cases.push(one(`act_grad ${act} x${xs}`, 'act_grad', { v: xs, g: xs }, { act }));
    cases.push(one(`act_grad leaky x${xs}`, 'act_grad', { v: xs, g: xs }, { act: 'leaky_relu', alpha: 0.1 }));
    cases.push(one(`act_grad clamp x${xs}`, 'act_grad', { v: xs, g: xs }, { act: 'clamp', min: -0.25, max: 0.5 }));
    cases.push(one(`channel_sum x${xs}`, 'channel_sum', { x: xs }));
    cases.push(one(`crop x${xs}`, 'crop', { x: [xs[0], xs[1] + 2, xs[2] + 1, xs[3] + 3] }, { pads: [1, 1, 0, 1], channels: [2, 1] }));
    cases.push(one(`global_mean_grad x${xs}`, 'global_mean_grad', { g: [xs[0], xs[3]] }, { height: xs[1], width: xs[2] }));
    cases.push(one(`resize_bilinear_grad x${xs}`, 'resize_bilinear_grad', { g: [xs[0], xs[1] * 2, xs[2] * 2, xs[3]] }, { size: [xs[1], xs[2]] }));
    cases.push(one(`resize_bilinear_grad odd x${xs}`, 'resize_bilinear_grad', { g: [xs[0], 5, 7, xs[3]] }, { size: [xs[1], xs[2]] }));
    for (const [k, s, p] of [[2, 2, 'valid'], [3, 2, 'valid'], [3, 1, 'same'], [3, 2, [1, 0, 1, 1]]] as Array<[number, number, unknown]>) {
      if (xs[1] < k || xs[2] < k) continue;
      const oh = p === 'same' ? xs[1] : Array.isArray(p) ? Math.floor((xs[1] + p[0] + p[1] - k) / s) + 1 : Math.floor((xs[1] - k) / s) + 1;
      const ow = p === 'same' ? xs[2] : Array.isArray(p) ? Math.floor((xs[2] + p[2] + p[3] - k) / s) + 1 : Math.floor((xs[2] - k) / s) + 1;
      for (const kind of ['max', 'avg']) cases.push(one(`pool_grad ${kind} ${k}/${s} ${JSON.stringify(p)} x${xs}`, 'pool_grad', { x: xs, g: [xs[0], oh, ow, xs[3]] }, { kind, kernel: k, stride: s, padding: p }));
    }
  }
  // Long sums (WebGPU splits the rows: partial sums, then their sum).
  for (const xs of [[2, 40, 30, 5], [1, 50, 50, 8]]) cases.push(one(`channel_sum long x${xs}`, 'channel_sum', { x: xs }));
  for (const [ws, flip] of [[[3, 3, 5, 8], true], [[1, 1, 64, 3], false], [[7, 7, 3, 32], false], [[256, 128], false]] as Array<[number[], boolean]>) {
    cases.push(one(`weight_transpose ${flip ? 'flip ' : ''}w${ws}`, 'weight_transpose', { w: ws }, { flip }));
  }
  for (const [xs, k, s, p, cout] of [
    [[2, 9, 7, 5], 3, 1, 'same', 6],
    [[1, 12, 11, 16], 3, 2, 'same', 24],
    [[1, 15, 15, 3], 7, 2, 'valid', 32],
    [[1, 8, 8, 64], 1, 1, 'valid', 9],
    [[2, 6, 5, 7], 3, 1, [2, 1, 0, 2], 13],
    [[2, 9, 8, 16], 3, 1, 'same', 3],
    [[1, 7, 6, 5], 3, 2, 'same', 4],
    [[1, 6, 7, 19], 3, 1, [0, 1, 1, 0], 1],
    // Enough output pixels that WebGPU splits the sum over them (partials, then channel_sum).
    [[2, 16, 20, 8], 3, 1, 'same', 12],
    [[2, 24, 22, 3], 3, 1, 'valid', 3],
  ] as Array<[number[], number, number, unknown, number]>) {
    const o = (d: number, pa: number) => (p === 'same' ? Math.ceil(d / s) : Math.floor((d + pa - k) / s) + 1);
    const pads = Array.isArray(p) ? p : [0, 0, 0, 0];
    const gs = [xs[0], o(xs[1], pads[0] + pads[1]), o(xs[2], pads[2] + pads[3]), cout];
    cases.push(one(`conv2d_grad_weight ${k}x${k}/${s} ${JSON.stringify(p)} x${xs} -> ${cout}`, 'conv2d_grad_weight', { x: xs, g: gs }, { kernel: k, stride: s, padding: p }));
  }
  // Forward ops whose weights are computed in the arena (output channels a multiple of 4).
  const computed = (name: string, op: string, x: number[], w: number[], attrs?: Record<string, unknown>): Case => ({
    name,
    inputs: { x, w },
    nodes: [node('weight_transpose', ['w'], op === 'conv2d' ? { flip: true } : {}, 'wt'), node(op, ['x', 'wt'], attrs)],
  });
  cases.push(computed('conv2d computed weights 3x3', 'conv2d', [2, 6, 7, 8], [3, 3, 12, 8], { padding: 'same' }));
  cases.push(computed('conv_transpose2d computed weights 3x3/2', 'conv_transpose2d', [1, 5, 4, 8], [3, 3, 16, 8], { stride: 2, padding: [1, 0, 1, 0], output_padding: 1 }));
  cases.push(computed('dense computed weights', 'dense', [3, 16], [8, 16]));
  return cases;
}
