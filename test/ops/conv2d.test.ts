import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, range, runRef, throwsWith } from '../helpers.ts';

const x33 = range(9); // 1..9 as a 3x3 single-channel image
const ones = (n: number) => range(n, () => 1);

test('2x2 valid, stride 1', () => {
  const r = runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(4), [2, 2, 1, 1]]]);
  assert.equal(r.shape, [1, 2, 2, 1]);
  close(r.data, [12, 16, 24, 28]);
});

test('3x3 same, stride 1', () => {
  const r = runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(9), [3, 3, 1, 1]]], { padding: 'same' });
  close(r.data, [12, 21, 16, 27, 45, 33, 24, 39, 28]);
});

test('3x3 same, stride 2 (TF rule: pad top/left = 1)', () => {
  const r = runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(9), [3, 3, 1, 1]]], { padding: 'same', stride: 2 });
  assert.equal(r.shape, [1, 2, 2, 1]);
  close(r.data, [12, 16, 24, 28]);
});

test('explicit asymmetric padding [top 1, bottom 0, left 0, right 1]', () => {
  const r = runRef('conv2d', [[x33, [1, 3, 3, 1]], [[1, 2, 3, 4], [2, 2, 1, 1]]], { padding: [1, 0, 0, 1] });
  assert.equal(r.shape, [1, 3, 3, 1]);
  close(r.data, [11, 18, 9, 37, 47, 21, 67, 77, 33]);
});

test('channels mix and bias', () => {
  const r = runRef('conv2d', [[[1, 2], [1, 1, 1, 2]], [[1, 2, 3, 4, 5, 6], [1, 1, 2, 3]], [[10, 20, 30], [3]]]);
  close(r.data, [19, 32, 45]);
});

test('depthwise (groups = Cin)', () => {
  const r = runRef('conv2d', [[[1, 2, 3, 4], [1, 1, 2, 2]], [[10, 100, 1, 1000], [1, 2, 1, 2]]], { groups: 2 });
  assert.equal(r.shape, [1, 1, 1, 2]);
  close(r.data, [13, 4200]);
});

test('depthwise with channel multiplier 2', () => {
  // Cin 1 -> Cout 2 with groups 1 is the same as multiplier 2 on one channel: check groups = 2, Cin 2, Cout 4.
  const r = runRef('conv2d', [[[1, 2], [1, 1, 1, 2]], [[1, 2, 3, 4], [1, 1, 1, 4]]], { groups: 2 });
  close(r.data, [1, 2, 6, 8]);
});

test('batch 2 computes each image independently', () => {
  const r = runRef('conv2d', [[[...x33, ...x33.map((v) => -v)], [2, 3, 3, 1]], [ones(4), [2, 2, 1, 1]]]);
  close(r.data, [12, 16, 24, 28, -12, -16, -24, -28]);
});

test('rejects bad attributes and shapes', () => {
  throwsWith(() => runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(4), [2, 2, 1, 1]]], { strides: 2 }), /unknown attribute "strides"/);
  throwsWith(() => runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(4), [2, 2, 1, 1]]], { stride: 0 }), /stride/);
  throwsWith(() => runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(4), [2, 2, 1, 1]]], { padding: 'full' }), /padding/);
  throwsWith(() => runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(8), [2, 2, 2, 1]]]), /Cin\/groups/);
  throwsWith(() => runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(16), [4, 4, 1, 1]]]), /does not fit/);
  throwsWith(() => runRef('conv2d', [[x33, [1, 3, 3, 1]], [ones(4), [2, 2, 1, 1]], [[1, 2], [2]]]), /bias must have shape \[1\]/);
});

test.run();
