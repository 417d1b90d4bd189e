import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, runRef, throwsWith } from '../helpers.ts';

test('dense with bias, batch 2', () => {
  const r = runRef('dense', [[[1, 2, 3, 4, 5, 6], [2, 3]], [[1, 0, 0, 1, 1, 1], [3, 2]], [[10, 20], [2]]]);
  assert.equal(r.shape, [2, 2]);
  close(r.data, [14, 25, 20, 31]);
});

test('dense rejects K mismatch', () => {
  throwsWith(() => runRef('dense', [[[1, 2], [1, 2]], [[1, 2, 3], [3, 1]]]), /K = 2/);
});

test.run();
