// Codec speed on the bundled sample chips: median encode and decode ms per 150x150 chip, and the mean
// file size, per quality and encode effort. Run: npx tsx bench/codec.ts [--backend wasm] [--qualities 1,15,50,90]
// [--efforts 0] [--runs 5] [--model v3]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec, MODELS, DEFAULT_MODEL_ID } from '../host/codec/codec.ts';
import { decodeImage } from '../host/image/codecs.ts';
import type { BackendName } from '../host/backends/index.ts';

const { values } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, qualities: { type: 'string', default: '1,15,50,90' }, efforts: { type: 'string', default: '0' }, runs: { type: 'string', default: '5' }, model: { type: 'string', default: MODELS[DEFAULT_MODEL_ID] } },
});
const dir = path.join(import.meta.dirname, '../samples');
const chips = readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => decodeImage(readFileSync(path.join(dir, f))));
const modelId = Number(Object.entries(MODELS).find(([, v]) => v === values.model)?.[0] ?? NaN);
const codec = await loadCodec({ backend: values.backend as BackendName, modelId });
const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const chip of chips) await codec.decode(await codec.encode(chip)); // warm-up
const grid = values.efforts!.split(',').flatMap((e) => values.qualities!.split(',').map((q) => [Number(e), Number(q)]));
for (const [effort, q] of grid) {
  const enc: number[] = [], dec: number[] = [];
  let bytes = 0;
  for (let r = 0; r < (effort ? 1 : Number(values.runs)); r++)
    for (const chip of chips) {
      let t = performance.now();
      const png = await codec.encode(chip, { quality: q, effort });
      enc.push(performance.now() - t);
      t = performance.now();
      await codec.decode(png);
      dec.push(performance.now() - t);
      if (r === 0) bytes += png.length;
    }
  console.log(JSON.stringify({ quality: q, effort, model: values.model, backend: codec.backend, bytes: Math.round(bytes / chips.length), bpp: +((bytes * 8) / chips.length / 22500).toFixed(3), encode_ms: +median(enc).toFixed(1), decode_ms: +median(dec).toFixed(1) }));
}
codec.dispose();
