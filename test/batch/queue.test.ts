// The batch through BullMQ on a real Redis (a private redis-server on a loopback port): 3 worker
// processes, one SIGKILLed mid-batch, give every output exactly once and byte-identical to the
// single-machine run; a Redis crash mid-batch (it comes back empty) still ends with every output,
// and Redis gone for good is a clear error. Skipped without redis-server, except under CI=true.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TMP_MARK } from '../../host/batch/outputs.ts';
import { cli, HAS_REDIS, listFiles, makeChips, startCli, tempDir, TestRedis, until, type Run } from './helpers.ts';

const test = suite('batch queue');
const dir = tempDir('queue');
const input = path.join(dir, 'in'), reference = path.join(dir, 'reference');
let redis: TestRedis;

const outputs = (out: string) => (existsSync(out) ? listFiles(out).filter((f) => !f.includes(TMP_MARK)) : []);
const started: Array<ReturnType<typeof startCli>> = [];
const workers = (n: number) => Array.from({ length: n }, () => {
  const w = startCli(['worker', '--queue', redis.url, '--lock-ms', '2000']);
  started.push(w);
  return w;
});

function sameAsReference(out: string, only?: string): void {
  const want = listFiles(reference).filter((f) => !only || f.startsWith(only));
  assert.equal(outputs(out), want.map((f) => (only ? f.slice(only.length) : f)));
  for (const f of want) assert.ok(readFileSync(path.join(out, only ? f.slice(only.length) : f)).equals(readFileSync(path.join(reference, f))), f);
}

async function stopWorkers(ws: ReturnType<typeof workers>): Promise<Run[]> {
  for (const w of ws) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return Promise.all(ws.map((w) => w.done));
}

if (!HAS_REDIS) {
  const why = 'redis-server not found (apt-get install -y --no-install-recommends redis-server)';
  if (process.env.CI === 'true') test('redis-server is installed (required under CI)', () => assert.unreachable(`queue tests need it: ${why}`));
  else console.log(`  batch queue: skipped, ${why}`);
} else {
  test.before(async () => {
    redis = await TestRedis.start();
    makeChips(input, 240);
    const r = await cli(['batch', 'encode', input, '-o', reference, '--threads', '2', '--chunk', '8']);
    assert.is(r.code, 0, r.stderr);
  });

  test('3 workers, one SIGKILLed mid-batch: every output once, byte-identical to the single-machine run', async () => {
    const out = path.join(dir, 'q1');
    const ws = workers(3);
    const submit = startCli(['batch', 'encode', input, '-o', out, '--queue', redis.url, '--chunk', '8']);
    await until(() => outputs(out).length >= 48, 120_000, 'the first outputs');
    ws[0].child.kill('SIGKILL');
    const r = await submit.done;
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /240 files: \d+ done, \d+ skipped \(done before\), 0 failed/);
    sameAsReference(out);
    const leftovers = listFiles(out).filter((f) => f.includes(TMP_MARK));
    assert.ok(leftovers.every((f) => f.includes(`-${ws[0].child.pid}-`)), `temporaries of live workers: ${leftovers}`);
    const ends = await stopWorkers(ws.slice(1));
    assert.equal(ends.map((e) => e.code), [0, 0]); // SIGTERM: jobs in hand finished, then a clean exit
  });

  test('Redis crashes mid-batch and comes back empty: jobs it lost are queued again, the batch completes', async () => {
    const out = path.join(dir, 'q2');
    const ws = workers(2);
    const submit = startCli(['batch', 'encode', path.join(input, 'even'), '-o', out, '--queue', redis.url, '--chunk', '4']);
    await until(() => outputs(out).length >= 24, 120_000, 'the first outputs');
    await redis.restart(1000);
    const r = await submit.done;
    assert.is(r.code, 0, r.stderr);
    sameAsReference(out, 'even/');
    await stopWorkers(ws);
  });

  test('Redis gone for good: the submitting command gives up after --redis-wait with a clear error', async () => {
    await redis.stop();
    const r = await cli(['batch', 'encode', path.join(input, 'odd'), '-o', path.join(dir, 'q3'), '--queue', redis.url, '--redis-wait', '2']);
    assert.is(r.code, 1);
    assert.match(r.stderr, new RegExp(`Redis at ${redis.url} did not answer for 2 s`));
  });

  test.after(async () => {
    for (const w of started) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL'); // after a failed test
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
}
test.run();
