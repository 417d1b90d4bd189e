// Memory soak (a benchmark, not a test): one codec on the wasm backend, N encode+decode pairs of the
// sample chips (qualities cycling 1..100), then M different image sizes twice (the second pass in
// reverse order, so every plan is made again). Reports RSS, V8 heap, array buffers and the wasm linear
// memory after warm-up and at checkpoints; "flat" means no growth after warm-up.
// Run: node --expose-gc --import tsx bench/soak.ts [--pairs 10000] [--sizes 200] [--out bench/results/soak]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec } from '../host/codec/codec.ts';
import { WasmBackend } from '../host/backends/wasm/index.ts';
import { decodeImage } from '../host/image/codecs.ts';
import { resizeRgb, toRgbFloat, type Image } from '../host/image/image.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '10000' }, sizes: { type: 'string', default: '200' }, warmup: { type: 'string', default: '200' }, passes: { type: 'string', default: '2' }, out: { type: 'string' } } });
const pairs = Number(values.pairs), nSizes = Number(values.sizes), warmup = Math.min(Number(values.warmup), pairs);
const dir = path.join(import.meta.dirname, '../samples');
const chips = readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => decodeImage(readFileSync(path.join(dir, f))));
const backend = await WasmBackend.create();
const codec = await loadCodec({ backend });
const gc = (globalThis as { gc?: () => void }).gc;
const MB = (b: number) => +(b / 2 ** 20).toFixed(2);

interface Sample { phase: string; done: number; rss_mb: number; heap_mb: number; array_buffers_mb: number; wasm_mb: number; s: number }
const samples: Sample[] = [];
const t0 = performance.now();
function sample(phase: string, done: number): Sample {
  gc?.();
  const m = process.memoryUsage();
  const s = { phase, done, rss_mb: MB(m.rss), heap_mb: MB(m.heapUsed), array_buffers_mb: MB(m.arrayBuffers), wasm_mb: MB(backend.memoryBytes), s: +((performance.now() - t0) / 1000).toFixed(1) };
  samples.push(s);
  console.log(JSON.stringify(s));
  return s;
}

// Phase 1: encode+decode pairs on one codec.
const every = Math.max(1, Math.floor(pairs / 20));
for (let i = 0; i < pairs; i++) {
  const png = await codec.encode(chips[i % chips.length], { quality: 1 + ((i * 7) % 100) });
  await codec.decode(png);
  if (i + 1 === warmup) sample('pairs: after warm-up', i + 1);
  else if ((i + 1) % every === 0) sample('pairs', i + 1);
}

// Phase 2: different image sizes (a sample chip resized), each a new plan for both networks.
const sizes = Array.from({ length: nSizes }, (_, k) => [48 + ((k * 37) % 211), 48 + ((k * 53) % 197)]);
const resized = (w: number, h: number, k: number): Image => {
  const c = chips[k % chips.length];
  return { data: resizeRgb(toRgbFloat(c), c.width, c.height, w, h), width: w, height: h, channels: 3 };
};
for (let pass = 1; pass <= Number(values.passes); pass++) {
  const order = pass % 2 ? sizes : [...sizes].reverse();
  for (const [k, [w, h]] of order.entries()) {
    await codec.decode(await codec.encode(resized(w, h, k), { quality: 50 }));
    if ((k + 1) % Math.max(1, Math.floor(nSizes / 4)) === 0) sample(`sizes pass ${pass}`, k + 1);
  }
}
codec.dispose();
backend.dispose();

const warm = samples.find((s) => s.phase.includes('warm-up')) ?? samples[0];
const endPairs = samples.filter((s) => s.phase === 'pairs').at(-1) ?? warm;
const pass1 = samples.filter((s) => s.phase === 'sizes pass 1').at(-1)!, pass2 = samples.filter((s) => s.phase === 'sizes pass 2').at(-1)!;
const maxOf = (k: keyof Sample, ph: (s: Sample) => boolean) => Math.max(...samples.filter(ph).map((s) => s[k] as number));
const summary = [
  `# Memory soak (bench/soak.ts)`,
  ``,
  `Command: \`node --expose-gc --import tsx bench/soak.ts --pairs ${pairs} --sizes ${nSizes}\` (wasm backend, ${backend.threads} threads, model v3; gc before each reading${gc ? '' : ' NOT available: run with --expose-gc'}).`,
  ``,
  `| phase | reading | RSS MB | V8 heap MB | array buffers MB | wasm memory MB |`,
  `|---|---|---|---|---|---|`,
  `| ${pairs} encode+decode pairs | after ${warmup} (warm-up) | ${warm.rss_mb} | ${warm.heap_mb} | ${warm.array_buffers_mb} | ${warm.wasm_mb} |`,
  `| | after ${endPairs.done} | ${endPairs.rss_mb} | ${endPairs.heap_mb} | ${endPairs.array_buffers_mb} | ${endPairs.wasm_mb} |`,
  `| | max after warm-up | ${maxOf('rss_mb', (s) => s.phase === 'pairs')} | ${maxOf('heap_mb', (s) => s.phase === 'pairs')} | ${maxOf('array_buffers_mb', (s) => s.phase === 'pairs')} | ${maxOf('wasm_mb', (s) => s.phase === 'pairs')} |`,
  `| ${nSizes} image sizes (48..258 px a side) | after pass 1 | ${pass1.rss_mb} | ${pass1.heap_mb} | ${pass1.array_buffers_mb} | ${pass1.wasm_mb} |`,
  `| | after pass 2 (same sizes, reverse order) | ${pass2.rss_mb} | ${pass2.heap_mb} | ${pass2.array_buffers_mb} | ${pass2.wasm_mb} |`,
  ``,
  `Total ${samples.at(-1)!.s} s on a 2-core machine shared with other jobs. Every reading: \`${values.out ?? '(no --out)'}.json\`.`,
].join('\n');
console.log(summary);
if (values.out) {
  writeFileSync(`${values.out}.md`, summary + '\n');
  writeFileSync(`${values.out}.json`, JSON.stringify({ pairs, sizes: nSizes, warmup, samples }, null, 1) + '\n');
}
