// Re-stores released codec models with every F32 tensor of 64 values or more as F16 (round to nearest
// even), halving their size; the loader turns F16 back into float32. Used for the models that stay in the package only so
// that files written by them keep decoding (bench/results/package.md). Both files of a pair then
// declare the pair's weights hash as released (codec.ts WEIGHTS_HASH_KEY), so old files still pass
// the header's check. Before writing, it measures what F16 does on the bundled samples at qualities
// 1, 15, 50 and 90, and writes the table to bench/results/f16-fidelity.md:
//  - a file written by the F32 pair, decoded by the F32 and the F16 pair: largest and mean |pixel
//    difference|, PSNR against the original with each;
//  - the F16 pair's own encode: how many files are byte-identical to the F32 pair's.
// Refuses a value beyond F16's range (65504) and a pair that already declares a hash.
// A pooled tier's own pair (NAME-pooled, models.ts pooledPairOf) is re-stored the same way and
// measured at its tier's first, middle and last quality; its model's hash mixes the declared one.
// Run: npx tsx weights/store-f16.ts v1 v2 v3 v3r v4   (or v7-pooled)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { f16ToF32, f32ToF16, parseSafetensors, writeSafetensors, type RawTensor } from '../host/format/safetensors.ts';
import { defaultModelUrl, fnv1a, loadCodec, MODELS, MODEL_REGISTRY, WEIGHTS_HASH_KEY, type Codec, type CodecOptions } from '../host/codec/codec.ts';
import { pooledPairOf } from '../host/codec/models.ts';
import { WasmBackend } from '../host/backends/wasm/index.ts';
import type { Backend } from '../host/backends/index.ts';
import { decodeImage } from '../host/image/codecs.ts';
import type { Image } from '../host/image/image.ts';
import { psnr } from '../bench/eval/quality.ts';

const F16_MAX = 65504;
/** Tensors with fewer values stay F32: constants (1/127.5 is not an F16 value) and biases, a negligible share of the bytes. */
const KEEP_F32_BELOW = 64;
const QUALITIES = [1, 15, 50, 90];

function tensorToF16(name: string, t: RawTensor): RawTensor {
  if (t.dtype !== 'F32' || t.bytes.byteLength / 4 < KEEP_F32_BELOW) return t;
  const src = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Uint8Array(t.bytes.byteLength / 2);
  const dst = new DataView(out.buffer);
  for (let i = 0; i < out.byteLength / 2; i++) {
    const v = src.getFloat32(i * 4, true);
    if (!(Math.abs(v) <= F16_MAX)) throw new Error(`tensor "${name}": value ${v} at ${i} is outside F16's range`);
    dst.setUint16(i * 2, f32ToF16(v), true);
  }
  return { dtype: 'F16', shape: t.shape, bytes: out };
}

function fileToF16(file: Uint8Array, hash: number): Uint8Array {
  const { metadata, tensors } = parseSafetensors(file);
  if (metadata[WEIGHTS_HASH_KEY] !== undefined) throw new Error(`already declares ${WEIGHTS_HASH_KEY}: stored before`);
  return writeSafetensors([...tensors].map(([n, t]) => [n, tensorToF16(n, t)]), { ...metadata, [WEIGHTS_HASH_KEY]: hash.toString(16).padStart(8, '0') });
}

/** One quality: F32 files decoded by both pairs, and the F16 pair's own files. */
async function compare(f32: Codec, f16: Codec, chips: Image[], quality: number) {
  const files = await f32.encodeBatch(chips, { quality });
  const [a, b] = [await f32.decodeBatch(files), await f16.decodeBatch(files)];
  const own = await f16.encodeBatch(chips, { quality });
  let max = 0, sum = 0, n = 0, pA = 0, pB = 0;
  chips.forEach((c, k) => {
    for (let i = 0; i < a[k].data.length; i++, n++) {
      const d = Math.abs(a[k].data[i] - b[k].data[i]);
      max = Math.max(max, d);
      sum += d;
    }
    pA += psnr(c, a[k]) / chips.length;
    pB += psnr(c, b[k]) / chips.length;
  });
  const same = own.filter((f, k) => Buffer.compare(f, files[k]) === 0).length;
  return `| ${quality} | ${max} | ${(sum / n).toFixed(4)} | ${pA.toFixed(3)} | ${pB.toFixed(3)} | ${same}/${chips.length} |`;
}

/** A released pair (a registered model's name) or a pooled tier's own pair (NAME-pooled): its model, and the qualities it serves. */
function pairOf(name: string): { id: number; pooled: boolean; hasTier: boolean } {
  const model = MODEL_REGISTRY.find((m) => m.name === name || pooledPairOf(m) === name);
  if (!model) throw new Error(`${name} is neither a registered model nor a registered model's pooled pair`);
  return { id: model.id, pooled: model.name !== name, hasTier: model.pooledPair !== undefined };
}

async function storeModel(name: string, backend: Backend, chips: Image[]): Promise<string[]> {
  const { id, pooled, hasTier } = pairOf(name);
  const paths = ['compnet', 'recnet'].map((k) => new URL(`${k}-${name}.safetensors`, import.meta.url));
  const [cb, rb] = paths.map((p) => new Uint8Array(readFileSync(p)));
  const hash = fnv1a(cb, rb);
  const [ch, rh] = [fileToF16(cb, hash), fileToF16(rb, hash)];
  // A main pair of a model with a pooled tier loads with that tier's pair (loadCodec refuses it alone) and is measured above the tier.
  const tier = !pooled && hasTier ? { compnetPooled: defaultModelUrl('compnet', id, true), recnetPooled: defaultModelUrl('recnet', id, true) } : {};
  const pair = (c: Uint8Array, r: Uint8Array): CodecOptions => (pooled ? { compnetPooled: c, recnetPooled: r } : { compnet: c, recnet: r, ...tier });
  const f32 = await loadCodec({ backend, modelId: id, ...pair(cb, rb) });
  const f16 = await loadCodec({ backend, modelId: id, ...pair(ch, rh) });
  if (f16.weightsHash !== f32.weightsHash) throw new Error('the re-stored pair does not declare the released hash');
  const upTo = f32.contract.pooled.upTo;
  const rows = [];
  for (const q of pooled ? [1, Math.ceil(upTo / 2), upTo] : QUALITIES.filter((q) => q > upTo)) rows.push(`| ${name} ${await compare(f32, f16, chips, q)}`);
  writeFileSync(paths[0], ch);
  writeFileSync(paths[1], rh);
  console.log(`${name}: ${cb.byteLength + rb.byteLength} -> ${ch.byteLength + rh.byteLength} bytes, hash ${hash.toString(16)}`);
  return rows;
}

const names = process.argv.slice(2);
const backend = await WasmBackend.create({ relaxed: false });
const dir = new URL('../samples/', import.meta.url);
const chips = readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => decodeImage(readFileSync(new URL(f, dir))));
const rows: string[] = [];
for (const name of names) rows.push(...(await storeModel(name, backend, chips)));
// The table keeps the rows of models re-stored by earlier runs (one run per release that left the default).
const out = new URL('../bench/results/f16-fidelity.md', import.meta.url);
const before = existsSync(out) ? readFileSync(out, 'utf8').split('\n') : [];
const runs = [...before.filter((l) => /^- `npx tsx weights\/store-f16\.ts /.test(l)), `- \`npx tsx weights/store-f16.ts ${names.join(' ')}\` (${new Date().toISOString().slice(0, 10)})`];
const order = (row: string) => Object.values(MODELS).indexOf(row.split('|')[1].trim().replace(/-pooled$/, '')) + (row.includes('-pooled') ? 0.5 : 0);
const kept = before.filter((l) => /^\| v/.test(l) && !names.includes(l.split('|')[1].trim()));
const table = [...kept, ...rows].sort((a, b) => order(a) - order(b));
const md = `# Codec models re-stored in F16

On the ${chips.length} bundled samples, wasm backend (plain SIMD), by these runs:
${runs.join('\n')}

These models stay in the package only so that the files they wrote keep decoding; F16 halves them.
A pooled tier's own pair (\`-pooled\`) and v8's main pair are the exceptions: they serve their model's
qualities and were re-stored before their model became the default (the package's size budget,
bench/results/package.md).
"F32 -> both": files written by the F32 pair, decoded by the F32 and by the F16 pair (|pixel difference|
of the two decodes, 0..255; PSNR of each against the original chip). "own files": the F16 pair's
encode, byte-identical to the F32 pair's.

| model | quality | max diff | mean diff | PSNR F32 dB | PSNR F16 dB | own files identical |
|---|---|---|---|---|---|---|
${table.join('\n')}
`;
writeFileSync(out, md);
console.log(md);
