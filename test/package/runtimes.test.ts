// The packed tarball in Deno, Bun and Cloudflare's workerd (each from its npm package): the README's
// consumer.mjs under Deno and Bun, and its worker under workerd on a loopback port, each giving Node's
// bytes: the same facecodec PNG, the same restored pixels (on the same kernel build: see nodePlainSimdDecode).
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { installed, nodePlainSimdDecode, nodeReference, rgbOf, ROOT, run, runtimeSuite, snippet } from './helpers.ts';

/** runtimes.sh's line for a runtime, with the runtime's binary in place of its name. */
function runtimeLine(name: string, bin: string): string[] {
  const line = snippet('runtimes.sh').split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`runtimes.sh has no ${name} line`);
  return [bin, ...line.trim().split(/\s+/).slice(1)];
}

for (const name of ['deno', 'bun'] as const) {
  const { test, it, bin } = runtimeSuite(name);
  it(`consumer.mjs in ${name}: Node's PNG bytes and restored pixels`, async () => {
    const { workdir } = await installed();
    const dir = workdir(name);
    writeFileSync(path.join(dir, 'consumer.mjs'), snippet('consumer.mjs'));
    const [cmd, ...args] = runtimeLine(name, bin);
    const r = await run(cmd, args, dir, { NO_COLOR: '1' });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /bytes -> 150x150 restored/);
    const node = await nodeReference();
    assert.ok(readFileSync(path.join(dir, 'face.fc.png')).equals(node.png), 'same facecodec PNG as Node');
    // The same pixels as Node on the same kernel build: relaxed SIMD where the engine has it (Deno's V8),
    // else plain SIMD (Bun's JavaScriptCore).
    const restored = Buffer.from(await rgbOf(path.join(dir, 'restored.png')));
    const plain = Buffer.from(await nodePlainSimdDecode(node.png));
    assert.ok(restored.equals(node.restored) || restored.equals(plain), "same restored pixels as Node's relaxed- or plain-SIMD decode");
  });
  test.run();
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const workerd = runtimeSuite('workerd');
workerd.it("worker.js in workerd decodes a posted facecodec PNG to Node's pixels; bad input gets a 400", async () => {
  const { workdir } = await installed();
  const node = await nodeReference();
  const dir = workdir('workerd');
  const project = path.dirname(dir);
  // worker.sh runs in the project folder (the config embeds node_modules/facecodec/... paths).
  writeFileSync(path.join(project, 'worker.js'), snippet('worker.js'));
  writeFileSync(path.join(project, 'workerd.capnp'), snippet('workerd.capnp'));
  const [build, serve, curl] = snippet('worker.sh').split('\n');
  const esbuild = build.trim().split(/\s+/);
  assert.equal(esbuild.slice(0, 2), ['npx', 'esbuild']);
  const b = await run(path.join(ROOT, 'node_modules/.bin/esbuild'), esbuild.slice(2), project);
  assert.is(b.code, 0, b.stderr);
  const port = await freePort();
  const [, , ...serveArgs] = serve.trim().split(/\s+/);
  assert.equal(serveArgs, ['serve', 'workerd.capnp']);
  const child = spawn(workerd.bin, [...serveArgs, `--socket-addr=http=127.0.0.1:${port}`], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  try {
    const url = curl.match(/http:\/\/127\.0\.0\.1:8787\//)![0].replace('8787', String(port));
    let res: Response | undefined;
    for (let i = 0; i < 100 && !res; i++) {
      res = await fetch(url, { method: 'POST', body: new Uint8Array(node.png) }).catch(() => new Promise<undefined>((r) => setTimeout(r, 100)));
    }
    assert.ok(res, `workerd did not answer: ${log}`);
    assert.is(res!.status, 200, log);
    assert.is(res!.headers.get('x-chip-size'), '150x150');
    assert.ok(Buffer.from(await res!.arrayBuffer()).equals(node.restored), "the worker's chip equals Node's decode");
    copyFileSync(path.join(dir, 'face.png'), path.join(dir, 'not-facecodec.png'));
    const bad = await fetch(url, { method: 'POST', body: new Uint8Array(readFileSync(path.join(dir, 'not-facecodec.png'))) });
    assert.is(bad.status, 400);
    assert.match(await bad.text(), /not a facecodec PNG/);
  } finally {
    child.kill();
  }
});
workerd.test.run();
