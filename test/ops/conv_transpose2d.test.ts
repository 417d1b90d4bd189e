import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, runRef, throwsWith } from '../helpers.ts';

test('stride 2, 2x2 ones: each input becomes a 2x2 block', () => {
  const r = runRef('conv_transpose2d', [[[1, 2, 3, 4], [1, 2, 2, 1]], [[1, 1, 1, 1], [2, 2, 1, 1]]], { stride: 2 });
  assert.equal(r.shape, [1, 4, 4, 1]);
  close(r.data, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
});

test('stride 1 scatters the kernel (full correlation)', () => {
  const r = runRef('conv_transpose2d', [[[1, 2, 3, 4], [1, 2, 2, 1]], [[1, 2, 3, 4], [2, 2, 1, 1]]]);
  close(r.data, [1, 4, 4, 6, 20, 16, 9, 24, 16]);
});

test('padding crops the full output', () => {
  const r = runRef('conv_transpose2d', [[[1, 2, 3, 4], [1, 2, 2, 1]], [[1, 2, 3, 4], [2, 2, 1, 1]]], { padding: [1, 0, 1, 0] });
  assert.equal(r.shape, [1, 2, 2, 1]);
  close(r.data, [20, 16, 24, 16]);
});

test('output_padding adds bottom/right rows that only get the bias', () => {
  const r = runRef('conv_transpose2d', [[[5], [1, 1, 1, 1]], [[1], [1, 1, 1, 1]], [[1], [1]]], { stride: 2, output_padding: 1 });
  assert.equal(r.shape, [1, 2, 2, 1]);
  close(r.data, [6, 1, 1, 1]);
});

test('"same" doubles the size at stride 2', () => {
  const r = runRef('conv_transpose2d', [[[1, 2, 3, 4], [1, 2, 2, 1]], [new Array(9).fill(1), [3, 3, 1, 1]]], { stride: 2, padding: 'same' });
  assert.equal(r.shape, [1, 4, 4, 1]);
  // Full 5x5 output cropped by top 0 / bottom 1: row 0 sees only input row 0.
  close(r.data.slice(0, 4), [1, 1, 3, 2]);
});

test('channels: Cin 2 -> Cout 2', () => {
  const r = runRef('conv_transpose2d', [[[1, 2], [1, 1, 1, 2]], [[1, 2, 3, 4], [1, 1, 2, 2]]]);
  close(r.data, [1 * 1 + 2 * 3, 1 * 2 + 2 * 4]);
});

test('rejects output_padding >= stride and mismatched weights', () => {
  throwsWith(() => runRef('conv_transpose2d', [[[1], [1, 1, 1, 1]], [[1], [1, 1, 1, 1]]], { stride: 2, output_padding: 2 }), /output_padding/);
  throwsWith(() => runRef('conv_transpose2d', [[[1], [1, 1, 1, 1]], [[1, 1], [1, 1, 2, 1]]]), /Cin = 1/);
});

test.run();
