// Encode and decode agree across backends: ref, wasm and (where an adapter exists) webgpu.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadCodec, type Codec } from '../../host/codec/codec.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { requireGpu } from '../backends/webgpu-helpers.ts';
import { untrainedModels } from './helpers.ts';

const models = untrainedModels(21);
const sample = decodeImage(readFileSync(new URL('../../samples/Paul_Tagliabue_0001.png', import.meta.url)));

const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('the same file decodes to (nearly) the same chip on every backend; encodes agree', async () => {
  const names: Array<'ref' | 'wasm' | 'webgpu'> = ['ref', 'wasm'];
  if (await requireGpu('codec on webgpu')) names.push('webgpu');
  const codecs: Codec[] = [];
  for (const backend of names) codecs.push(await loadCodec({ ...models, backend }));
  try {
    const png = await codecs[1].encode(sample, { quality: 60 });
    const decoded = await Promise.all(codecs.map((c) => c.decode(png)));
    for (let i = 1; i < decoded.length; i++) {
      const d = maxDiff(decoded[0].data, decoded[i].data);
      assert.ok(d <= 1, `${names[i]} decodes within 1 level of ref (max diff ${d})`);
    }
    // Encoders may differ where a code value sits on a rounding boundary; the restored chips stay close.
    const files = await Promise.all(codecs.map((c) => c.encode(sample, { quality: 60 })));
    const restored = await Promise.all(files.map((f) => codecs[0].decode(f)));
    for (let i = 1; i < restored.length; i++) {
      const d = maxDiff(restored[0].data, restored[i].data);
      assert.ok(d <= 8, `${names[i]} encode restores within 8 levels of ref's (max diff ${d})`);
      assert.ok(Math.abs(files[i].length - files[0].length) <= 16, `${names[i]} file size ${files[i].length} vs ${files[0].length}`);
    }
  } finally {
    for (const c of codecs) c.dispose();
  }
});

test.run();
