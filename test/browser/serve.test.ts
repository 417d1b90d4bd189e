// `facecodec serve`: headers for cross-origin isolation, MIME types, 404s, and nothing outside the
// served folder reachable (encoded dots and slashes, symlinks, hidden folders). No browser needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveInside, startServer, type RunningServer } from '../../host/cli/serve.ts';
import { main } from '../../host/cli/main.ts';

/** A raw request: the path goes out exactly as written (fetch would normalise "..", a client might not). */
function get(origin: string, rawPath: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${rawPath}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

// A site folder with a secret next to it, a symlink pointing out, and a hidden folder.
const base = mkdtempSync(path.join(tmpdir(), 'fc-serve-'));
const site = path.join(base, 'site');
mkdirSync(path.join(site, 'web'), { recursive: true });
mkdirSync(path.join(site, '.git'));
writeFileSync(path.join(base, 'secret.txt'), 'SECRET');
writeFileSync(path.join(site, 'web/index.html'), '<p>index</p>');
writeFileSync(path.join(site, 'web/app.js'), 'export {};');
writeFileSync(path.join(site, 'k.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
writeFileSync(path.join(site, 'w.safetensors'), 'x');
writeFileSync(path.join(site, '.git/config'), 'SECRET');
symlinkSync(path.join(base, 'secret.txt'), path.join(site, 'link.txt'));

let iso: RunningServer, plain: RunningServer;
test.before(async () => {
  [iso, plain] = await Promise.all([startServer({ root: site, port: 0 }), startServer({ root: site, port: 0, isolation: false })]);
});
test.after(async () => {
  await iso?.close();
  await plain?.close();
});

test('COOP/COEP by default (cross-origin isolation), none with isolation off', async () => {
  const a = await get(iso.origin, '/web/app.js');
  assert.is(a.headers['cross-origin-opener-policy'], 'same-origin');
  assert.is(a.headers['cross-origin-embedder-policy'], 'require-corp');
  const b = await get(plain.origin, '/web/app.js');
  assert.is(b.status, 200);
  assert.is(b.headers['cross-origin-opener-policy'], undefined);
  assert.is(b.headers['cross-origin-embedder-policy'], undefined);
});

test('MIME types, index.html, redirects, HEAD, 404, 405', async () => {
  const type = async (p: string) => (await get(iso.origin, p)).headers['content-type'];
  assert.is(await type('/k.wasm'), 'application/wasm'); // WebAssembly.compileStreaming insists on it
  assert.is(await type('/web/app.js'), 'text/javascript; charset=utf-8'); // module scripts need a JS type
  assert.is(await type('/w.safetensors'), 'application/octet-stream');
  const index = await get(iso.origin, '/web/');
  assert.is(index.status, 200);
  assert.is(index.body, '<p>index</p>');
  assert.is(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.is((await get(iso.origin, '/')).headers.location, '/web/');
  assert.is((await get(iso.origin, '/web')).headers.location, '/web/');
  const head = await get(iso.origin, '/k.wasm', 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.headers['content-length'], '8');
  assert.is(head.body, '');
  assert.is((await get(iso.origin, '/nope.js')).status, 404);
  assert.is((await get(iso.origin, '/web/app.js', 'POST')).status, 405);
});

test('nothing outside the root, no hidden folders, no symlinks out', async () => {
  for (const p of ['/../secret.txt', '/web/../../secret.txt', '/%2e%2e/secret.txt', '/web/..%2f..%2fsecret.txt', '/%2E%2E%2Fsecret.txt', '/..%5csecret.txt', '/web/%00', '/%zz', '/.git/config', '/link.txt', `/${encodeURIComponent(path.join(base, 'secret.txt'))}`]) {
    const r = await get(iso.origin, p);
    assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
    assert.not.match(r.body, /SECRET/, p);
  }
  assert.is(resolveInside(site, '/web/app.js'), path.join(site, 'web/app.js'));
  assert.is(resolveInside(site, '/web/%2e%2e/%2e%2e/secret.txt'), undefined);
});

test('command line: bad usage exits 2, a busy port is a one-line error', async () => {
  const err: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    assert.is(await main(['serve', '--port', 'abc']), 2);
    assert.is(await main(['serve', 'extra']), 2);
    assert.is(await main(['serve', '--port', new URL(iso.origin).port, '--root', site]), 1);
  } finally {
    process.stderr.write = write;
  }
  assert.match(err.join(''), /--port needs a number/);
  assert.match(err.join(''), /port \d+ is in use/);
});

test.run();
