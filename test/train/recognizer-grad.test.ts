// The identity term's gradient: the whole frozen recognizer's input gradient (tape backward through its
// 7x7/2 conv, max/avg pools, channel and spatial padding, affine, relu, residual adds, global mean and
// dense) against central finite differences of the descriptor, on a real face chip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { Executor } from '../../host/executor/executor.ts';
import { loadModel } from '../../host/format/model.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { toRgbFloat } from '../../host/image/image.ts';
import { DEFAULT_RECOGNIZER_URL } from '../../host/models/recognizer.ts';
import { Tape } from '../../host/train/tape.ts';

test('recognizer input gradient matches finite differences', async () => {
  const model = loadModel(new Uint8Array(readFileSync(DEFAULT_RECOGNIZER_URL)));
  const backend = await WasmBackend.create({ threads: 1 });
  const chip = toRgbFloat(decodeImage(readFileSync(new URL('../../samples/Martha_Burk_0001.png', import.meta.url))));
  assert.is(chip.length, 150 * 150 * 3);
  // Loss = r . descriptor for a fixed random r.
  let s = 3;
  const r = Float32Array.from({ length: 128 }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5);
  const tape = new Tape(model, backend, new Set());
  const acts = await tape.forward({ image: { shape: [1, 150, 150, 3], data: chip } });
  const g = (await tape.backward(acts, new Map([['descriptor', r]]), new Set(['image']))).inputs.get('image')!;
  const exec = new Executor(model, backend);
  const loss = async (x: Float32Array) => {
    const { descriptor } = await exec.run({ image: { shape: [1, 150, 150, 3], data: x } });
    return descriptor.data.reduce((a, v, i) => a + v * r[i], 0);
  };
  // The pixels with the largest gradients (where a finite difference is well above float noise).
  const order = [...g.keys()].sort((a, b) => Math.abs(g[b]) - Math.abs(g[a])).slice(0, 8);
  let agree = 0;
  for (const i of order) {
    const e = 1, a = chip.slice(), b = chip.slice();
    a[i] += e;
    b[i] -= e;
    const fd = ((await loss(a)) - (await loss(b))) / (2 * e);
    if (Math.abs(fd - g[i]) <= 0.05 * Math.abs(g[i])) agree++;
  }
  // ReLU and max-pool kinks can make a single difference disagree; nearly all must match.
  assert.ok(agree >= 7, `${agree}/8 pixels agree with finite differences`);
  assert.ok(Math.abs(g[order[0]]) > 1e-6, 'the gradient is not zero');
  exec.dispose();
  tape.dispose();
  backend.dispose();
});

test.run();
