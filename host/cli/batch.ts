// facecodec batch encode|decode|embed <input> -o <out> [--queue redis://...], and facecodec worker.
// The batch lists its inputs, leaves out those whose output exists (resumption), cuts the rest into
// chunks and runs them on local threads (host/batch/pool.ts) or through a BullMQ queue
// (host/batch/queue.ts); it shows progress, writes the failures file and prints a summary.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { args, type Usage } from './args.ts';
import type { BackendName } from '../backends/index.ts';
import { DEFAULT_MODEL_ID, MODELS } from '../codec/codec.ts';
import type { BatchSettings } from '../batch/engine.ts';
import { listInputs, type Item, type Op } from '../batch/inputs.ts';
import { isDone, removeTemporaries } from '../batch/outputs.ts';
import { Progress, Tally } from '../batch/tally.ts';
import { gatherDescriptors, type DescriptorFormat } from '../batch/gather.ts';

export const BATCH_USAGE = `usage: facecodec batch encode|decode|embed <folder|glob|list.txt> -o <out-folder> [options]
  -q N                quality 1..100 (encode; default 50)       --model NAME   encode model (default ${MODELS[DEFAULT_MODEL_ID]})
  --align             align photos to 150x150 chips first (encode, embed); no face = a failure
  --threads N         worker threads (default: the cores)       --chunk N      files per chunk / queue job (default 16)
  --format jsonl|bin  embed's combined descriptors file (default jsonl)
  --failures FILE     (default <out>/failures.tsv)              --progress-every S   plain progress line period (default 10)
  --max-pixels N      (default 16777216)                        --max-bytes N  (default 67108864)
  --queue redis://HOST:PORT   put the chunks on a BullMQ queue for 'facecodec worker' processes instead
  --queue-name NAME   (default facecodec)                       --redis-wait S give up after Redis is unreachable this long (default 60)`;

const OPS: Op[] = ['encode', 'decode', 'embed'];

const positiveInt = (v: unknown, name: string, Usage: Usage): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Usage(`--${name} must be a positive integer`);
  return n;
};

export async function batchCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values: v, positionals } = args(argv, {
    out: { type: 'string', short: 'o' }, quality: { type: 'string', short: 'q', default: '50' }, model: { type: 'string', default: MODELS[DEFAULT_MODEL_ID] },
    align: { type: 'boolean', default: false }, threads: { type: 'string', default: String(availableParallelism()) }, chunk: { type: 'string', default: '16' },
    format: { type: 'string', default: 'jsonl' }, failures: { type: 'string' }, 'progress-every': { type: 'string', default: '10' },
    'max-pixels': { type: 'string', default: String(4096 * 4096) }, 'max-bytes': { type: 'string', default: String(64 << 20) }, backend: { type: 'string', default: 'wasm' },
    queue: { type: 'string' }, 'queue-name': { type: 'string', default: 'facecodec' }, 'redis-wait': { type: 'string', default: '60' },
  }, Usage);
  const [op, input] = positionals as [Op, string];
  if (positionals.length !== 2 || !OPS.includes(op) || !v.out) throw new Usage(BATCH_USAGE);
  const modelId = Number(Object.entries(MODELS).find(([k, name]) => name === v.model || k === v.model)?.[0]);
  if (!modelId) throw new Usage(`--model must be one of ${Object.values(MODELS).join(', ')}`);
  const quality = positiveInt(v.quality, 'quality', Usage);
  if (quality > 100) throw new Usage('--quality must be 1..100');
  if (v.format !== 'jsonl' && v.format !== 'bin') throw new Usage('--format must be jsonl or bin');
  if (v.align && op === 'decode') throw new Usage('--align is for encode and embed');
  const settings: BatchSettings = { op, quality, modelId, align: v.align as boolean, maxPixels: positiveInt(v['max-pixels'], 'max-pixels', Usage), maxBytes: positiveInt(v['max-bytes'], 'max-bytes', Usage) };
  const outDir = path.resolve(v.out as string);
  const failuresFile = path.resolve((v.failures as string | undefined) ?? path.join(outDir, 'failures.tsv'));
  const chunkSize = positiveInt(v.chunk, 'chunk', Usage);

  const { items, refused } = listInputs(op, input, outDir);
  if (items.length + refused.length === 0) throw new Error(`${input}: no ${op === 'decode' ? '.png' : 'PNG or JPEG'} files`);
  const tally = new Tally(op, items.length + refused.length);
  tally.add(refused.map(({ rel, error }) => ({ rel, status: 'failed', bytesIn: 0, bytesOut: 0, pixels: 0, error })));
  if (!v.queue) removeTemporaries(outDir); // only this run writes here; the queue's workers may be writing now
  rmSync(failuresFile, { force: true }); // the files it named are retried below
  const todo = items.filter((it) => !isDone(it.out));
  tally.add(items.filter((it) => isDone(it.out)).map((it) => ({ rel: it.rel, status: 'skipped', bytesIn: 0, bytesOut: 0, pixels: 0 })));
  const chunks: Item[][] = [];
  for (let i = 0; i < todo.length; i += chunkSize) chunks.push(todo.slice(i, i + chunkSize));

  const progress = new Progress(tally, process.stderr, positiveInt(v['progress-every'], 'progress-every', Usage));
  const onResults = (r: Parameters<Tally['add']>[0]) => tally.add(r);
  try {
    if (v.queue) {
      const { submitBatch } = await loadQueue();
      await submitBatch(chunks, settings, { url: v.queue as string, queueName: v['queue-name'] as string, redisWaitSeconds: positiveInt(v['redis-wait'], 'redis-wait', Usage), onResults });
    } else {
      const { runPool } = await import('../batch/pool.ts');
      await runPool(chunks, settings, { threads: positiveInt(v.threads, 'threads', Usage), backend: v.backend as BackendName, onResults });
    }
  } finally {
    progress.stop();
    tally.writeFailures(failuresFile);
  }
  console.log(`facecodec batch ${op}: ${tally.summary()}`);
  if (op === 'embed') {
    const g = gatherDescriptors(items, outDir, v.format as DescriptorFormat);
    console.log(`descriptors: ${g.count} in ${g.files.join(', ')}`);
  }
  if (tally.failed > 0) console.log(`failures: ${tally.failed} listed in ${failuresFile}`);
  return tally.failed > 0 ? 3 : 0;
}

export const WORKER_USAGE = `usage: facecodec worker --queue redis://HOST:PORT [--queue-name facecodec] [--concurrency 1] [--threads 1] [--lock-ms 30000] [--backend wasm]`;

export async function workerCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values: v, positionals } = args(argv, {
    queue: { type: 'string' }, 'queue-name': { type: 'string', default: 'facecodec' }, concurrency: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' }, 'lock-ms': { type: 'string', default: '30000' }, backend: { type: 'string', default: 'wasm' },
  }, Usage);
  if (positionals.length > 0 || !v.queue) throw new Usage(WORKER_USAGE);
  const { runWorker } = await loadQueue();
  await runWorker({
    url: v.queue as string, queueName: v['queue-name'] as string, concurrency: positiveInt(v.concurrency, 'concurrency', Usage),
    threads: positiveInt(v.threads, 'threads', Usage), lockMs: positiveInt(v['lock-ms'], 'lock-ms', Usage), backend: v.backend as BackendName,
  });
  return 0;
}

/**
 * The queue mode's module. bullmq and ioredis are optional dependencies (most installs never use a
 * queue, and they are half the installed size): a clear error says how to add them.
 */
async function loadQueue(): Promise<typeof import('../batch/queue.ts')> {
  try {
    return await import('../batch/queue.ts');
  } catch (e) {
    const missing = /Cannot find (?:package|module) '(bullmq|ioredis)'/.exec((e as Error).message)?.[1];
    if (missing) throw new Error(`the queue mode needs the optional dependencies bullmq and ioredis (${missing} is not installed): npm install bullmq ioredis`);
    throw e;
  }
}
