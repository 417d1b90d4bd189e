import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, range, runRef, throwsWith } from '../helpers.ts';

test('maxpool / avgpool 2x2 stride 2', () => {
  const x: [number[], number[]] = [range(16), [1, 4, 4, 1]];
  close(runRef('maxpool', [x], { kernel: 2 }).data, [6, 8, 14, 16]);
  close(runRef('avgpool', [x], { kernel: 2, stride: 2 }).data, [3.5, 5.5, 11.5, 13.5]);
});

test('maxpool 3x3 stride 2 valid (the recognizer stem)', () => {
  const r = runRef('maxpool', [[range(25), [1, 5, 5, 1]]], { kernel: 3, stride: 2, padding: 'valid' });
  assert.equal(r.shape, [1, 2, 2, 1]);
  close(r.data, [13, 15, 23, 25]);
});

test('avgpool "same" divides by the real cells only', () => {
  close(runRef('avgpool', [[[1, 2, 3], [1, 1, 3, 1]]], { kernel: 3, stride: 1, padding: 'same' }).data, [1.5, 2, 2.5]);
});

test('maxpool "same" ignores padding (negative inputs stay negative)', () => {
  close(runRef('maxpool', [[[-5, -3], [1, 1, 2, 1]]], { kernel: 3, stride: 1, padding: 'same' }).data, [-3, -3]);
});

test('channels pool independently', () => {
  close(runRef('maxpool', [[[1, 8, 2, 7, 3, 6, 4, 5], [1, 2, 2, 2]]], { kernel: 2 }).data, [4, 8]);
});

test('missing kernel is an error', () => {
  throwsWith(() => runRef('maxpool', [[[1], [1, 1, 1, 1]]], {}), /missing attribute "kernel"/);
});

test('global_mean', () => {
  const r = runRef('global_mean', [[range(8), [1, 2, 2, 2]]]);
  assert.equal(r.shape, [1, 2]);
  close(r.data, [4, 5]);
});

test.run();
