// A model whose files at some qualities are another model's code under another header (v7 above its
// pooled tier is v6's own files: the same code, the fcHd header's model id and weights-hash byte aside)
// gets its encode-effort pack there from the other model's, without hours of encoding: every file
// rewritten with the model's own header bytes (withChunkData recomputes the chunk's CRC). Then checked:
// --check N chips of LFW View 2 (spread over the pack) encoded again by the model itself must give
// exactly those bytes, or nothing is kept.
//   npx tsx bench/repack-header.ts --from facecodec-v6@e1 --to facecodec-v7@e1 --qualities 21,36,54,90 [--check 8]
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCodec, MODEL_REGISTRY, HEADER_CHUNK } from '../host/codec/codec.ts';
import { readContainer } from '../host/codec/container.ts';
import { encodeHeader, FORMAT_VERSION } from '../host/codec/header.ts';
import { withChunkData } from '../host/codec/png.ts';
import { DiskCache } from './eval/cache.ts';
import { getCodec } from './eval/codecs.ts';
import { EncodedPack } from './eval/pack.ts';
import { requireCachedChip } from './eval/lfw.ts';
import { LFW_DEFAULTS } from './lfw-cli.ts';
import { pairImages, parsePairs } from './eval/pairs.ts';

const { values } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' }, qualities: { type: 'string' }, check: { type: 'string', default: '8' }, pairs: { type: 'string', default: LFW_DEFAULTS.pairs }, cache: { type: 'string', default: LFW_DEFAULTS.cache } },
});
const effortOf = (id: string) => Number(/@e(\d+)$/.exec(id)?.[1] ?? NaN);
const [from, to] = [getCodec(values.from!), getCodec(values.to!)];
const effort = effortOf(values.to!);
if (!(effort >= 1) || effort !== effortOf(values.from!)) throw new Error('--from and --to are registered facecodec models at one encode effort > 0 (id@eN)');
const model = MODEL_REGISTRY.find((m) => values.to!.startsWith(`facecodec-${m.name}@`));
if (!model) throw new Error(`--to ${values.to} is not a registered model`);
const codec = await loadCodec({ modelId: model.id, backend: 'wasm' });
const packOf = (c: typeof from, q: number) => `bench/results/encoded/${c.cacheId}/q${q}.pack`;

/** The file with the model's header: its id and weights hash in place of the other model's (header.ts), the rest as it was. */
function rehead(file: Uint8Array): Uint8Array {
  const { header } = readContainer(file, {}, codec.contract.factor);
  if (header.version !== FORMAT_VERSION) throw new Error(`not a version-${FORMAT_VERSION} facecodec file`);
  return withChunkData(file, HEADER_CHUNK, encodeHeader({ ...header, modelId: model!.id, weightsHash: codec.weightsHash }));
}

const cache = new DiskCache(values.cache!);
const images = pairImages(parsePairs(readFileSync(values.pairs!, 'utf8')).pairs);
for (const q of values.qualities!.split(',').map(Number)) {
  const src = new EncodedPack(packOf(from, q)), dstFile = packOf(to, q);
  if (!src.size) throw new Error(`${packOf(from, q)} is empty`);
  if (existsSync(dstFile)) throw new Error(`${dstFile} exists already`);
  const dst = new EncodedPack(dstFile);
  for (const [setting, key, file] of src.records()) dst.putKey(setting, key, rehead(file));
  // The check: the model itself encodes a few chips, spread over the list, to exactly the rewritten bytes.
  const step = Math.max(1, Math.floor(images.length / Number(values.check)));
  let checked = 0;
  for (let i = 0; i < images.length && checked < Number(values.check); i += step) {
    const chip = requireCachedChip(cache, images[i], values.cache!);
    const want = dst.get(q, chip);
    if (!want) continue;
    const [got] = await codec.encodeBatch([chip], { quality: q, effort });
    if (Buffer.compare(Buffer.from(got), Buffer.from(want)) !== 0) {
      rmSync(dstFile);
      throw new Error(`quality ${q}: ${images[i]} encodes to other bytes than the rewritten file: pack not kept`);
    }
    checked++;
  }
  console.log(`quality ${q}: ${dst.size} files rewritten into ${dstFile}; ${checked} encoded again by ${model.name} at effort ${effort}, all byte-identical`);
}
codec.dispose();
