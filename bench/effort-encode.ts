// Fills the encoded pack of a slow facecodec codec (encode effort > 0; bench/eval/codecs.ts) for the
// LFW View 2 chips, one shard of the images per process, so that several processes (or machines, the
// pack being committed) share the work; `npm run bench -- lfw --codec <codec>` then reads every file
// back from the pack and only decodes and scores. Encoding is mostly single-threaded at effort > 0
// (the backward passes), so one process per core is the way to use a machine.
//   npx tsx bench/effort-encode.ts --codec facecodec-v3@e1 --quality 1 --shard 1/2 --threads 1 &
//   npx tsx bench/effort-encode.ts --codec facecodec-v3@e1 --quality 1 --shard 2/2 --threads 1
// Chips come from the LFW benchmark's cache (run `npm run bench -- lfw --codec none` first).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DiskCache } from './eval/cache.ts';
import { getCodec, setWasmThreads } from './eval/codecs.ts';
import { requireCachedChip } from './eval/lfw.ts';
import { LFW_DEFAULTS } from './lfw-cli.ts';
import { pairImages, parsePairs } from './eval/pairs.ts';

const { values } = parseArgs({
  options: {
    codec: { type: 'string', default: 'facecodec-v3@e1' },
    quality: { type: 'string', default: '1' },
    shard: { type: 'string', default: '1/1' },
    pairs: { type: 'string', default: LFW_DEFAULTS.pairs },
    cache: { type: 'string', default: LFW_DEFAULTS.cache },
    batch: { type: 'string', default: '8' },
    // Threads of the wasm backend per process (default 2; with one process per core, 1 avoids oversubscribing).
    threads: { type: 'string' },
  },
});
const [k, n] = values.shard!.split('/').map(Number);
if (!(n >= 1 && k >= 1 && k <= n)) throw new Error(`--shard must be k/n with 1 <= k <= n, got ${values.shard}`);
const quality = Number(values.quality);
if (values.threads) setWasmThreads(Number(values.threads));
const codec = getCodec(values.codec!);
const cache = new DiskCache(values.cache!);
const images = pairImages(parsePairs(readFileSync(values.pairs!, 'utf8')).pairs).filter((_, i) => i % n === k - 1);
const batch = Number(values.batch);
const t0 = performance.now();
let last = t0;
for (let i = 0; i < images.length; i += batch) {
  // Calls made in one tick are encoded as one batch; files already in the pack are read back.
  await Promise.all(images.slice(i, i + batch).map((f) => codec.encode(requireCachedChip(cache, f, values.cache!), quality)));
  const now = performance.now();
  if (now - last > 30_000 || i + batch >= images.length) {
    last = now;
    const done = Math.min(i + batch, images.length);
    console.log(`${new Date().toISOString()} ${values.codec} q${quality} shard ${k}/${n}: ${done}/${images.length} (${((done / (now - t0)) * 1000).toFixed(2)} img/s)`);
  }
}
