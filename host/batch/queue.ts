// Many machines: the chunks of a batch as BullMQ jobs on Redis. The submitting command adds one job per
// chunk (id "<batch>-<n>", so adding it again is a no-op), then follows the jobs' states until every
// one is completed or failed, taking each chunk's item results from the job's return value. Workers
// (`facecodec worker`) process a job with the same code as a local thread; outputs are atomic and
// skipped when present, so BullMQ's at-least-once delivery (a job retried after its worker died and its
// lock expired, or run twice) changes nothing. Jobs that Redis lost (a restart without persistence) are
// added again by the submitter. Redis unreachable for longer than redisWaitSeconds: a clear error.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BackendName } from '../backends/index.ts';
import { processChunk, type ItemResult } from './chunk.ts';
import { loadEngine, type BatchSettings } from './engine.ts';
import type { Item } from './inputs.ts';

export interface JobData {
  batch: string;
  settings: BatchSettings;
  items: Item[];
}

/** redis://[:password@]host:port[/db] -> an ioredis client whose commands wait through reconnects. */
export function connectionFrom(url: string): Redis {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue needs redis://host:port (got "${url}")`);
  }
  if (u.protocol !== 'redis:') throw new Error(`--queue needs redis://host:port (got "${url}")`);
  const db = Number(u.pathname.slice(1) || 0);
  const redis = new Redis({ host: u.hostname, port: Number(u.port || 6379), password: u.password ? decodeURIComponent(u.password) : undefined, db, maxRetriesPerRequest: null });
  redis.on('error', () => {}); // ioredis reconnects; the callers report lasting outages
  return redis;
}

export interface SubmitOptions {
  url: string;
  queueName: string;
  redisWaitSeconds: number;
  onResults: (results: ItemResult[]) => void;
  /** Poll period of the job states (ms; default 250). */
  pollMs?: number;
}

const JOB_OPTS = { attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: 86400 }, removeOnFail: { age: 7 * 86400 } };

/** Puts the chunks on the queue and returns when every job has completed or failed for good. */
export async function submitBatch(chunks: Item[][], settings: BatchSettings, o: SubmitOptions): Promise<void> {
  if (chunks.length === 0) return;
  const batch = `b${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const redis = connectionFrom(o.url);
  const queue = new Queue(o.queueName, { connection: redis });
  queue.on('error', () => {}); // reconnects are retried; the deadline below reports an outage
  const deadline = <T>(p: Promise<T>) => withDeadline(p, o.redisWaitSeconds, `Redis at ${o.url} did not answer for ${o.redisWaitSeconds} s`);
  const job = (n: number) => ({ name: 'chunk', data: { batch, settings, items: chunks[n] } satisfies JobData, opts: { ...JOB_OPTS, jobId: `${batch}-${n}` } });
  try {
    for (let i = 0; i < chunks.length; i += 500) await deadline(queue.addBulk(chunks.slice(i, i + 500).map((_, k) => job(i + k))));
    const pending = new Set(chunks.map((_, n) => n));
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
      for (const n of [...pending].slice(0, 500)) {
        const id = `${batch}-${n}`;
        const state = await deadline(queue.getJobState(id));
        if (state === 'unknown') await deadline(queue.add(job(n).name, job(n).data, job(n).opts)); // lost by Redis
        if (state !== 'completed' && state !== 'failed') continue;
        const j = await deadline(queue.getJob(id));
        if (!j) continue;
        pending.delete(n);
        const results = (j.returnvalue as { results?: ItemResult[] } | null)?.results;
        o.onResults(state === 'completed' && results ? results : chunks[n].map((it) => ({ rel: it.rel, status: 'failed', bytesIn: 0, bytesOut: 0, pixels: 0, error: `queue job ${id} failed: ${j.failedReason}` })));
        await deadline(j.remove());
      }
    }
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect(); // a client passed in is not closed by the queue
  }
}

function withDeadline<T>(p: Promise<T>, seconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), seconds * 1000)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export interface WorkerOptions {
  url: string;
  queueName: string;
  concurrency: number;
  /** wasm threads of this worker's backend. */
  threads: number;
  /** BullMQ lock: a job whose worker stops renewing it (killed) is retried this long after. */
  lockMs: number;
  backend: BackendName;
}

/** Takes jobs until SIGINT/SIGTERM, then finishes the jobs in hand and returns. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const engine = await loadEngine(o.backend, o.threads);
  const redis = connectionFrom(o.url);
  const worker = new Worker<JobData>(o.queueName, async (job) => ({ results: await processChunk(engine, job.data.settings, job.data.items) }), {
    connection: redis,
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    maxStalledCount: 5,
  });
  let lastError = '';
  worker.on('error', (e) => {
    if (e.message !== lastError) process.stderr.write(`facecodec worker: ${e.message}\n`);
    lastError = e.message;
  });
  worker.on('ready', () => (lastError = ''));
  process.stderr.write(`facecodec worker ${process.pid}: taking jobs from ${o.queueName} at ${o.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => void worker.close().then(() => (redis.disconnect(), resolve()));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
