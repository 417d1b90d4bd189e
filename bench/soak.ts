// Memory soak (a benchmark, not a test): one codec on the wasm backend, N encode+decode pairs of the
// sample chips (qualities cycling 1..100), then M different image sizes twice (the second pass in
// reverse order, so every plan is made again). Reports RSS, V8 heap, array buffers and the wasm linear
// memory after warm-up and at checkpoints; "flat" means no growth after warm-up.
// Run: node --expose-gc --import tsx bench/soak.ts [--pairs 10000] [--sizes 200] [--passes 2] [--out bench/results/soak]
// (--summarize FILE.json prints the table of a saved run).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec } from '../host/codec/codec.ts';
import { WasmBackend } from '../host/backends/wasm/index.ts';
import { decodeImage } from '../host/image/codecs.ts';
import { resizeRgb, toRgbFloat, type Image } from '../host/image/image.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '10000' }, sizes: { type: 'string', default: '200' }, warmup: { type: 'string', default: '200' }, passes: { type: 'string', default: '2' }, summarize: { type: 'string' }, out: { type: 'string' } } });
if (values.summarize) {
  const r = JSON.parse(readFileSync(values.summarize, 'utf8'));
  console.log(summarize({ passes: 2, threads: 2, gc: true, ...r }));
  process.exit(0);
}
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

const passes = Number(values.passes);
const summary = summarize({ pairs, sizes: nSizes, warmup, passes, threads: backend.threads, gc: !!gc, samples });
console.log(summary);
if (values.out) {
  writeFileSync(`${values.out}.md`, summary + '\n');
  writeFileSync(`${values.out}.json`, JSON.stringify({ pairs, sizes: nSizes, warmup, passes, threads: backend.threads, gc: !!gc, samples }, null, 1) + '\n');
}

/** The markdown table of a run (also: --summarize FILE.json re-renders a saved run). */
function summarize(r: { pairs: number; sizes: number; warmup: number; passes: number; threads: number; gc: boolean; samples: Sample[] }): string {
  const S = r.samples;
  const row = (label: string, reading: string, x: Sample) => `| ${label} | ${reading} | ${x.rss_mb} | ${x.heap_mb} | ${x.array_buffers_mb} | ${x.wasm_mb} |`;
  const warm = S.find((x) => x.phase.includes('warm-up')) ?? S[0];
  const pairRows = S.filter((x) => x.phase === 'pairs');
  const max = (k: keyof Sample, xs: Sample[]) => Math.max(...xs.map((x) => x[k] as number));
  const lines = [
    `# Memory soak (bench/soak.ts)`,
    ``,
    `Command: \`node --expose-gc --import tsx bench/soak.ts --pairs ${r.pairs} --sizes ${r.sizes} --passes ${r.passes} --warmup ${r.warmup}\` (wasm backend, ${r.threads} threads, model v3; ${r.gc ? 'gc before each reading' : 'NO gc before readings: run with --expose-gc'}).`,
    ``,
    `| phase | reading | RSS MB | V8 heap MB | array buffers MB | wasm memory MB |`,
    `|---|---|---|---|---|---|`,
    row(`${r.pairs} encode+decode pairs`, `after ${warm.done} (warm-up)`, warm),
    row('', `after ${pairRows.at(-1)?.done}`, pairRows.at(-1) ?? warm),
    `| | max after warm-up | ${max('rss_mb', pairRows)} | ${max('heap_mb', pairRows)} | ${max('array_buffers_mb', pairRows)} | ${max('wasm_mb', pairRows)} |`,
  ];
  for (let p = 1; p <= r.passes; p++) {
    const xs = S.filter((x) => x.phase === `sizes pass ${p}`);
    lines.push(row(p === 1 ? `${r.sizes} image sizes (48..258 px a side), ${r.passes} passes` : '', `after pass ${p}${p % 2 ? '' : ' (reverse order)'}; max in pass: RSS ${max('rss_mb', xs)}, wasm ${max('wasm_mb', xs)}`, xs.at(-1)!));
  }
  lines.push('', `Total ${S.at(-1)!.s} s on a 2-core machine shared with other jobs; every reading in the .json next to this file.`);
  return lines.join('\n');
}
