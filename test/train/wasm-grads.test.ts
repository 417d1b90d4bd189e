// The SIMD conv2d backward (weight gradient kernel, transposed gather for the input gradient)
// against the reference backward pass, 1 and 2 threads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { getOp } from '../../host/ops/index.ts';
import { size, type Shape } from '../../host/ops/op.ts';
import { conv2dGrad } from '../../host/train/backward.ts';
import { conv2dGradWasm } from '../../host/train/tape.ts';
import { nmse, rng } from '../backends/harness.ts';

const cases: Array<[Shape, Shape, Record<string, unknown>]> = [
  [[2, 9, 7, 5], [3, 3, 5, 6], { padding: 'same' }],
  [[1, 12, 11, 16], [3, 3, 16, 24], { stride: 2, padding: 'same' }],
  [[1, 15, 15, 3], [7, 7, 3, 32], { stride: 2, padding: 'valid' }],
  [[1, 8, 8, 64], [1, 1, 64, 9], { padding: 'valid' }],
  [[2, 6, 5, 7], [5, 3, 7, 13], { padding: [2, 1, 0, 2] }],
];

for (const threads of [1, 2]) {
  test(`conv2d backward on wasm (${threads} thread${threads > 1 ? 's' : ''}) matches the reference`, async () => {
    const be = await WasmBackend.create({ threads, minParallelCost: 0 });
    try {
      for (const [k, [xs, ws, raw]] of cases.entries()) {
        const rand = rng(900 + k);
        const attrs = getOp('conv2d')!.parseAttrs(raw);
        const os = getOp('conv2d')!.inferShape([xs, ws], attrs);
        const r = (s: Shape) => Float32Array.from({ length: size(s) }, () => rand() * 2 - 1);
        const inputs = [r(xs), r(ws), r([ws[3]])];
        const g = r(os);
        const want = conv2dGrad({ inputs, shapes: [xs, ws, [ws[3]]], output: new Float32Array(size(os)), outShape: os, attrs, g });
        const got = conv2dGradWasm(be, inputs, [xs, ws], os, attrs, g);
        for (const i of [0, 1, 2]) {
          const e = nmse(got[i]!, want[i]!);
          assert.ok(e < 1e-10, `case ${k} grad ${['x', 'w', 'b'][i]}: nmse ${e}`);
        }
      }
    } finally {
      be.dispose();
    }
  });
}

test.run();
