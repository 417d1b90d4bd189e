// Growing RecNet (host/train/train-codec.ts paramsFromFile): a RecNet with more residual blocks,
// started from a released one, restores exactly what that one does before it trains; so does a
// CompNet grown with residual blocks and the rate input (it writes the released one's code, whatever
// the step); a file cannot be loaded into a smaller or differently shaped network. And whole training chips are padded the way
// the encoder pads them (at the bottom and right), so RecNet trains on the borders it will decode.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCodec } from '../../host/codec/codec.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { Executor } from '../../host/executor/executor.ts';
import { loadModel, saveModel } from '../../host/format/model.ts';
import { compnetSpec, RATE_INPUT, RECNET_BLOCKS, recnetSpec, takesRate } from '../../host/models/codec-graph.ts';
import { CHIP, CHIP_PADDED, chipBatch, Rng } from '../../host/train/data.ts';
import { paramsFromFile } from '../../host/train/train-codec.ts';
import { rng } from '../backends/harness.ts';

const V4 = new URL('../../weights/recnet-v4.safetensors', import.meta.url).pathname;

async function restore(file: Uint8Array, code: Float32Array, delta: Float32Array): Promise<Float32Array> {
  const exec = new Executor(loadModel(file), new RefBackend());
  const { image } = await exec.run({ code: { shape: [1, 6, 5, 3], data: code }, delta: { shape: [1, 6, 5, 1], data: delta } });
  exec.dispose();
  return image.data;
}

test('a RecNet grown from v4 (2 -> 5 blocks) restores what v4 restores', async () => {
  const spec = recnetSpec(5);
  const params = paramsFromFile(V4, spec, 7);
  const grown = saveModel(spec.graph, [...spec.consts, ...params]);
  const rand = rng(3);
  const code = Float32Array.from({ length: 90 }, () => rand() * 255), delta = new Float32Array(30).fill(3);
  const [a, b] = [await restore(new Uint8Array(readFileSync(V4)), code, delta), await restore(grown, code, delta)];
  assert.is(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst < 1e-3, `grown RecNet differs by ${worst}`);
  // The grown blocks are there and can train: their first conv is not zero.
  const c1 = params.find((p) => p.name === 'b5/c1/w')!;
  assert.ok(c1.f32!.some((v) => v !== 0));
  assert.ok(params.find((p) => p.name === 'b5/c2/w')!.f32!.every((v) => v === 0));
});

const COMP_V6 = new URL('../../weights/compnet-v6.safetensors', import.meta.url).pathname;

async function encodeCode(file: Uint8Array, image: Float32Array, step?: number): Promise<Float32Array> {
  const model = loadModel(file);
  const exec = new Executor(model, new RefBackend());
  const inputs = { image: { shape: [1, 16, 12, 3], data: image }, ...(takesRate(model.graph) ? { [RATE_INPUT]: { shape: [1, 4, 3, 1], data: new Float32Array(12).fill(step!) } } : {}) };
  const { code } = await exec.run(inputs);
  exec.dispose();
  return code.data;
}

test("a CompNet grown from v6 (2 blocks, rate input) writes v6's code at every step (its new output parameters start at zero)", async () => {
  const spec = compnetSpec({ blocks: 2, conditioned: true });
  assert.ok(takesRate(spec.graph));
  assert.not.ok(takesRate(compnetSpec().graph));
  const params = paramsFromFile(COMP_V6, spec, 11);
  const grown = saveModel(spec.graph, [...spec.consts, ...params]);
  const rand = rng(8);
  const image = Float32Array.from({ length: 16 * 12 * 3 }, () => rand() * 255);
  const want = await encodeCode(new Uint8Array(readFileSync(COMP_V6)), image);
  for (const step of [0.125, 3, 8]) {
    const got = await encodeCode(grown, image, step);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
    assert.ok(worst < 1e-3, `grown CompNet differs by ${worst} at rate input ${step}`);
  }
  for (const zero of ['cond/w', 'cond/b', 'b2/c2/w']) assert.ok(params.find((p) => p.name === zero)!.f32!.every((v) => v === 0), zero);
  assert.ok(params.find((p) => p.name === 'b1/c1/w')!.f32!.some((v) => v !== 0));
  assert.throws(() => compnetSpec({ blocks: 9 }), /0\.\.8/);
});

test('the codec feeds a conditioned CompNet the step: with the grown CompNet it writes and restores what v6 does', async () => {
  const spec = compnetSpec({ blocks: 1, conditioned: true });
  const v6 = loadModel(new Uint8Array(readFileSync(COMP_V6)));
  const meta = { codec_contract: v6.metadata.codec_contract, code_layout: v6.metadata.code_layout };
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-grow-'));
  const compnet = path.join(dir, 'compnet.safetensors');
  writeFileSync(compnet, saveModel(spec.graph, [...spec.consts, ...paramsFromFile(COMP_V6, spec, 3)], meta));
  const recnet = new URL('../../weights/recnet-v6.safetensors', import.meta.url).pathname;
  const grown = await loadCodec({ modelId: 0, compnet, recnet, backend: 'ref' });
  const released = await loadCodec({ modelId: 0, compnet: COMP_V6, recnet, backend: 'ref' });
  const rand = rng(4);
  const image = { width: 20, height: 16, channels: 3 as const, data: Uint8Array.from({ length: 20 * 16 * 3 }, () => Math.floor(rand() * 256)) };
  for (const quality of [5, 60]) {
    const [a, b] = [await grown.decode(await grown.encode(image, { quality })), await released.decode(await released.encode(image, { quality }))];
    assert.equal(a.data, b.data, `quality ${quality}`);
  }
  grown.dispose();
  released.dispose();
});

test('a RecNet file does not load into a smaller network', () => {
  assert.throws(() => paramsFromFile(V4, recnetSpec(RECNET_BLOCKS - 1), 1), /cannot shrink/);
  assert.throws(() => recnetSpec(0), /1\.\.12/);
});

test('whole training chips are edge-padded at the bottom and right, as the encoder pads', () => {
  const data = new Uint8Array(2 * CHIP * CHIP * 3).map((_, i) => (i * 7) % 251);
  const { x150, x152 } = chipBatch(new Rng(1), { data, count: 2, files: ['a', 'b'] }, 3);
  const P = CHIP_PADDED;
  for (let b = 0; b < 3; b++)
    for (let y = 0; y < P; y++)
      for (let x = 0; x < P; x++)
        for (let c = 0; c < 3; c++) {
          const want = x150[((b * CHIP + Math.min(y, CHIP - 1)) * CHIP + Math.min(x, CHIP - 1)) * 3 + c];
          if (x152[((b * P + y) * P + x) * 3 + c] !== want) assert.unreachable(`chip ${b} (${x}, ${y}) channel ${c}`);
        }
});

test.run();
