// relu, leaky_relu, prelu, tanh, sigmoid, clamp, round, add, mul, bias, affine
import { test } from 'uvu';
import { close, runRef, throwsWith } from '../helpers.ts';

const v = (d: number[]): [number[], number[]] => [d, [1, 1, d.length / 2, 2]];

test('activations', () => {
  close(runRef('relu', [v([-1, 0, 2, -3])]).data, [0, 0, 2, 0]);
  close(runRef('leaky_relu', [v([-2, 3])], { alpha: 0.1 }).data, [-0.2, 3]);
  close(runRef('prelu', [v([-1, -1, 2, -4]), [[0.1, 0.5], [2]]]).data, [-0.1, -0.5, 2, -2]);
  close(runRef('tanh', [v([0, 0.5])]).data, [0, 0.46211715726]);
  close(runRef('sigmoid', [v([0, 2])]).data, [0.5, 0.88079707798]);
});

test('clamp and round (half to even)', () => {
  close(runRef('clamp', [v([-5, 0.5, 3, 9])], { min: 0, max: 4 }).data, [0, 0.5, 3, 4]);
  close(runRef('round', [v([0.5, 1.5, 2.5, -1.5, -0.5, 2.4])]).data, [0, 2, 2, -2, 0, 2]);
  throwsWith(() => runRef('clamp', [v([1, 2])], { min: 2, max: 1 }), /min 2 > max 1/);
  throwsWith(() => runRef('clamp', [v([1, 2])], { min: 0 }), /"max"/);
});

test('binary and per-channel ops', () => {
  close(runRef('add', [v([1, 2]), v([10, 20])]).data, [11, 22]);
  close(runRef('mul', [v([1, 2]), v([10, 20])]).data, [10, 40]);
  close(runRef('bias', [v([1, 2, 3, 4]), [[10, 20], [2]]]).data, [11, 22, 13, 24]);
  close(runRef('affine', [v([1, 2, 3, 4]), [[2, 3], [2]], [[1, -1], [2]]]).data, [3, 5, 7, 11]);
  throwsWith(() => runRef('add', [v([1, 2]), [[1, 2], [2]]]), /differ/);
  throwsWith(() => runRef('bias', [v([1, 2]), [[1], [1]]]), /bias must have shape \[2\]/);
});

test.run();
