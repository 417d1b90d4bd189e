// The training's reconstruction terms (host/train/reconstruction.ts): reconstructionGrad is the derivative
// of the term it names (central differences on the term's value over random outputs), and L2 is
// scaled to meet L1's gradient at |error| = 1 / (2 * L2_SCALE).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { L2_SCALE, RECONSTRUCTIONS, reconstructionGrad, reconstructionLoss, type Reconstruction } from '../../host/train/reconstruction.ts';

const term = (kind: Reconstruction, out: number[], x: number[]) =>
  out.reduce((s, o, i) => {
    const d = (o - x[i]) / 255;
    return s + (kind === 'l2' ? L2_SCALE * d * d : Math.abs(d)) / out.length;
  }, 0);

test('each term gradient matches central differences', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const x = Array.from({ length: 32 }, () => 255 * rand());
  const out = x.map((v) => v + (rand() - 0.5) * 40 + 0.7); // no error exactly 0 (L1's kink)
  for (const kind of RECONSTRUCTIONS) {
    const h = 1e-3;
    for (let i = 0; i < out.length; i++) {
      const up = out.slice(), down = out.slice();
      up[i] += h;
      down[i] -= h;
      const fd = (term(kind, up, x) - term(kind, down, x)) / (2 * h);
      const g = reconstructionGrad(kind, (out[i] - x[i]) / 255, out.length);
      assert.ok(Math.abs(fd - g) <= 1e-4 * Math.abs(g), `${kind} at ${i}: ${g} vs ${fd}`);
    }
  }
});

test('reconstructionLoss is the term, summed value by value', () => {
  const x = [10, 200, 37, 128], out = [12.5, 190, 37.25, 140];
  for (const kind of RECONSTRUCTIONS) {
    const sum = out.reduce((s, o, i) => s + reconstructionLoss(kind, (o - x[i]) / 255, out.length), 0);
    assert.ok(Math.abs(sum - term(kind, out, x)) < 1e-15, `${kind}: ${sum} vs ${term(kind, out, x)}`);
  }
});

test('L2 meets L1 at |error| = 1 / (2 * L2_SCALE), and is smaller below it', () => {
  const at = 1 / (2 * L2_SCALE);
  assert.ok(Math.abs(reconstructionGrad('l2', at, 10) - reconstructionGrad('l1', at, 10)) < 1e-12);
  assert.ok(Math.abs(reconstructionGrad('l2', -at / 2, 10)) < Math.abs(reconstructionGrad('l1', -at / 2, 10)));
  assert.ok(reconstructionGrad('l2', -at / 2, 10) < 0);
});

test.run();
