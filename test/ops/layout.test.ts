// pad, depth_to_space, space_to_depth, resize_bilinear, concat, slice
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, range, runRef, throwsWith } from '../helpers.ts';

test('pad: asymmetric spatial and channel padding with a fill value', () => {
  const r = runRef('pad', [[[1, 2], [1, 1, 1, 2]]], { pads: [0, 1, 1, 0], channels: [1, 1], value: 7 });
  assert.equal(r.shape, [1, 2, 2, 4]);
  close(r.data, [7, 7, 7, 7, 7, 1, 2, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
});

test('pad: channel zero-pad only (ResNet shortcut)', () => {
  close(runRef('pad', [[[1, 2, 3, 4], [1, 1, 2, 2]]], { channels: [0, 2] }).data, [1, 2, 0, 0, 3, 4, 0, 0]);
});

test('depth_to_space / space_to_depth (DCR order)', () => {
  const deep = range(8);
  const d2s = runRef('depth_to_space', [[deep, [1, 1, 2, 4]]], { block: 2 });
  assert.equal(d2s.shape, [1, 2, 4, 1]);
  close(d2s.data, [1, 2, 5, 6, 3, 4, 7, 8]);
  const s2d = runRef('space_to_depth', [[d2s.data, [1, 2, 4, 1]]], { block: 2 });
  assert.equal(s2d.shape, [1, 1, 2, 4]);
  close(s2d.data, deep);
  close(runRef('depth_to_space', [[range(8), [1, 1, 1, 8]]], { block: 2 }).data, range(8)); // C = 2 per pixel
  throwsWith(() => runRef('space_to_depth', [[range(3), [1, 1, 3, 1]]], { block: 2 }), /not divisible/);
});

test('resize_bilinear with half-pixel centres', () => {
  close(runRef('resize_bilinear', [[[0, 10], [1, 1, 2, 1]]], { size: [1, 4] }).data, [0, 2.5, 7.5, 10]);
  close(runRef('resize_bilinear', [[[0, 10], [1, 1, 2, 1]]], { scale: [1, 2] }).data, [0, 2.5, 7.5, 10]);
  close(runRef('resize_bilinear', [[[0, 1, 2, 3], [1, 1, 4, 1]]], { size: [1, 2] }).data, [0.5, 2.5]);
  // 2x2 -> 3x3 centre is the mean of all four.
  close(runRef('resize_bilinear', [[[0, 4, 8, 12], [1, 2, 2, 1]]], { size: 3 }).data.slice(4, 5), [6]);
  throwsWith(() => runRef('resize_bilinear', [[[0], [1, 1, 1, 1]]], {}), /exactly one/);
});

test('concat and slice on channels', () => {
  const c = runRef('concat', [[[1, 2], [1, 1, 2, 1]], [[3, 4, 5, 6], [1, 1, 2, 2]]]);
  assert.equal(c.shape, [1, 1, 2, 3]);
  close(c.data, [1, 3, 4, 2, 5, 6]);
  const s = runRef('slice', [[range(6), [1, 1, 2, 3]]], { start: 1, end: 3 });
  assert.equal(s.shape, [1, 1, 2, 2]);
  close(s.data, [2, 3, 5, 6]);
  throwsWith(() => runRef('concat', [[[1], [1, 1, 1, 1]], [[1, 2], [1, 1, 2, 1]]]), /differ outside the channel axis/);
  throwsWith(() => runRef('slice', [[range(6), [1, 1, 2, 3]]], { start: 1, end: 4 }), /exceeds 3 channels/);
});

test.run();
