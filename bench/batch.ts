// Batch throughput on one machine and the queue's overhead. Run: npx tsx bench/batch.ts [--chips 192] [--out bench/results/batch]
// Rows, on the same perturbed 150x150 chips (quality 50, wasm):
//  - API, batch 1: a loop over the files with a warm codec (2 threads): read, codec.encode / decode, write;
//  - process per file: `facecodec encode|decode` once per chip (start, model load, one chip), 5 calls;
//  - batch command, 2 threads: `facecodec batch encode|decode --threads 2` on all chips, wall time with start-up,
//    and (encode) without it: the time on twice the chips minus the time on the chips;
//  - queue, W warm workers (W = 1, 2, 3; one wasm thread each) on a private redis-server: the whole
//    submission (in-process submitBatch, chunks of 8) for real work, and the overhead per job measured
//    with jobs whose outputs all exist (a worker only checks them): add, take, complete, poll, remove.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec } from '../host/codec/codec.ts';
import { decodeImage, encodePng } from '../host/image/codecs.ts';
import { listInputs, type Item } from '../host/batch/inputs.ts';
import { submitBatch } from '../host/batch/queue.ts';
import type { BatchSettings } from '../host/batch/engine.ts';
import { makeChips, startCli, tempDir, TestRedis, until, ROOT } from '../test/batch/helpers.ts';

const { values } = parseArgs({ options: { chips: { type: 'string', default: '192' }, out: { type: 'string', default: 'bench/results/batch' } } });
const N = Number(values.chips);
const loadStart = loadavg().map((x) => x.toFixed(1)).join(', ');
const dir = tempDir('bench-batch');
const input = path.join(dir, 'in');
const rels = makeChips(input, N);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows: Array<{ op: string; path: string; chips: number; seconds: number; chips_per_s: number; note?: string }> = [];
const row = (op: string, p: string, chips: number, seconds: number, note?: string) => {
  rows.push({ op, path: p, chips, seconds: +seconds.toFixed(3), chips_per_s: +(chips / seconds).toFixed(2), note });
  console.log(JSON.stringify(rows.at(-1)));
};
const facecodec = (args: string[]) => execFileSync(process.execPath, [path.join(ROOT, 'bin/facecodec.js'), ...args], { cwd: ROOT, stdio: 'pipe' });
const timed = (f: () => void) => {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
};

// API, batch 1: what a loop over files does with a warm codec (read, decode the image, encode, write the
// file; then read, decode, write the restored PNG), after a warm-up on 8 chips. Sum of the calls' times.
const codec = await loadCodec();
const apiDir = path.join(dir, 'api');
mkdirSync(apiDir);
const enc: number[] = [], dec: number[] = [];
for (const [i, r] of rels.entries()) {
  let t = performance.now();
  const png = await codec.encode(decodeImage(readFileSync(path.join(input, r))));
  writeFileSync(path.join(apiDir, `${i}.png`), png);
  enc.push(performance.now() - t);
  t = performance.now();
  writeFileSync(path.join(apiDir, `${i}.r.png`), encodePng(await codec.decode(new Uint8Array(readFileSync(path.join(apiDir, `${i}.png`))))));
  dec.push(performance.now() - t);
  if (i === 7) enc.length = dec.length = 0; // the first 8 were the warm-up
}
codec.dispose();
const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
row('encode', 'API, batch 1, 2 threads (a loop: read, encode, write)', enc.length, sum(enc) / 1000, `median call ${median(enc).toFixed(1)} ms`);
row('decode', 'API, batch 1, 2 threads (a loop: read, decode, write)', dec.length, sum(dec) / 1000, `median call ${median(dec).toFixed(1)} ms`);

// One process per file.
mkdirSync(path.join(dir, 'single'));
const five = rels.slice(0, 5);
row('encode', 'process per file (facecodec encode)', 5, timed(() => five.forEach((r, i) => facecodec(['encode', path.join(input, r), '-o', path.join(dir, 'single', `${i}.png`)]))));
row('decode', 'process per file (facecodec decode)', 5, timed(() => five.forEach((_, i) => facecodec(['decode', path.join(dir, 'single', `${i}.png`), '-o', path.join(dir, 'single', `${i}.r.png`)]))));

// The batch command, 2 threads, start-up included.
const codesDir = path.join(dir, 'codes');
row('encode', 'batch command, --threads 2 (whole command)', N, timed(() => facecodec(['batch', 'encode', input, '-o', codesDir, '--threads', '2'])));
row('decode', 'batch command, --threads 2 (whole command)', N, timed(() => facecodec(['batch', 'decode', codesDir, '-o', path.join(dir, 'restored'), '--threads', '2'])));
// Start-up (process, threads, models) left out: the same command on twice the chips, the difference.
const input2 = path.join(dir, 'in2');
makeChips(input2, 2 * N);
const t1 = rows.find((r) => r.op === 'encode' && r.path.startsWith('batch command'))!.seconds;
const t2 = timed(() => facecodec(['batch', 'encode', input2, '-o', path.join(dir, 'codes2'), '--threads', '2']));
row('encode', `batch command, --threads 2, start-up left out (${2 * N} chips minus ${N})`, N, t2 - t1, `${2 * N} chips took ${t2.toFixed(1)} s`);

// The queue, W warm workers.
const redis = await TestRedis.start();
const settings: BatchSettings = { op: 'encode', quality: 50, modelId: 3, align: false, maxPixels: 4096 * 4096, maxBytes: 64 << 20 };
const chunksOf = (items: Item[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
for (const W of [1, 2, 3]) {
  const ws = Array.from({ length: W }, () => startCli(['worker', '--queue', redis.url, '--lock-ms', '5000']));
  const ready = ws.map(() => false);
  ws.forEach((w, i) => w.child.stderr!.on('data', (d) => String(d).includes('taking jobs') && (ready[i] = true)));
  await until(() => ready.every(Boolean), 120_000, 'the workers');
  const warm = listInputs('encode', input, path.join(dir, `warm${W}`)).items.slice(0, 4 * W);
  await submitBatch(chunksOf(warm, 1), settings, { url: redis.url, queueName: 'facecodec', redisWaitSeconds: 60, onResults: () => {} }); // every worker loads its models
  const out = path.join(dir, `queue${W}`);
  const items = listInputs('encode', input, out).items;
  let t = performance.now();
  await submitBatch(chunksOf(items, 8), settings, { url: redis.url, queueName: 'facecodec', redisWaitSeconds: 60, onResults: () => {} });
  row('encode', `queue, ${W} worker${W > 1 ? 's' : ''} x 1 thread, chunks of 8`, N, (performance.now() - t) / 1000);
  const jobs = chunksOf(items, 4);
  t = performance.now();
  await submitBatch(jobs, settings, { url: redis.url, queueName: 'facecodec', redisWaitSeconds: 60, onResults: () => {} });
  const s = (performance.now() - t) / 1000;
  rows.push({ op: 'queue overhead', path: `${W} worker${W > 1 ? 's' : ''}: ms per job (jobs of 4 finished outputs)`, chips: jobs.length, seconds: +s.toFixed(3), chips_per_s: +((1000 * s) / jobs.length).toFixed(2), note: 'chips = jobs; chips_per_s = ms per job' });
  console.log(JSON.stringify(rows.at(-1)));
  for (const w of ws) w.child.kill('SIGTERM');
  await Promise.all(ws.map((w) => w.done));
}
await redis.stop();

const byPath = (op: string, p: string) => rows.find((r) => r.op === op && r.path.startsWith(p))!.chips_per_s;
const lines = [
  `# Batch throughput (npx tsx bench/batch.ts --chips ${N}; ${new Date().toISOString().slice(0, 10)})`,
  `Load average at the start: ${loadStart}; at the end: ${loadavg().map((x) => x.toFixed(1)).join(', ')}.`,
  '',
  'The machine (2 cores) was shared with a training run and other jobs while this ran: every figure is an upper bound on time (lower bound on speed).',
  '',
  '| op | path | chips | seconds | chips/s | vs API batch 1 | note |',
  '|---|---|---|---|---|---|---|',
  ...rows.filter((r) => r.op !== 'queue overhead').map((r) => `| ${r.op} | ${r.path} | ${r.chips} | ${r.seconds} | ${r.chips_per_s} | ${(r.chips_per_s / byPath(r.op, 'API')).toFixed(2)}x | ${r.note ?? ''} |`),
  '',
  '| queue overhead | jobs | seconds | ms per job |',
  '|---|---|---|---|',
  ...rows.filter((r) => r.op === 'queue overhead').map((r) => `| ${r.path.split(':')[0]} | ${r.chips} | ${r.seconds} | ${r.chips_per_s} |`),
  '',
];
writeFileSync(`${values.out}.md`, lines.join('\n'));
writeFileSync(`${values.out}.json`, JSON.stringify(rows, null, 1) + '\n');
console.log(lines.join('\n'));
process.exit(0);
