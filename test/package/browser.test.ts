// The packed tarball in a browser: the README's page.js bundled by esbuild from the installed package
// (the "browser" condition picks dist/browser/facecodec.js), assets copied as page.sh does, served by the
// installed `facecodec serve`, run in Debian's Chromium: Node's PNG bytes and restored pixels.
import * as assert from 'uvu/assert';
import { mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { browserSuite, launchChromium } from '../browser/helpers.ts';
import { installed, nodeReference, ROOT, run, serve, snippet } from './helpers.ts';

const { test, it } = browserSuite('package: browser');

it("README's page.js, bundled from the tarball, encodes and decodes like Node", async () => {
  const { app } = await installed();
  const node = await nodeReference();
  writeFileSync(path.join(app, 'page.js'), snippet('page.js'));
  mkdirSync(path.join(app, 'public'), { recursive: true });
  // page.sh in bash, with npx resolving esbuild from the repository (the consumer has no devDependencies).
  const sh = await run('bash', ['-euc', `npx() { "$@"; }\nexport PATH="${path.join(ROOT, 'node_modules/.bin')}:$PATH"\n${snippet('page.sh')}`], app);
  assert.is(sh.code, 0, sh.stderr);
  const bundle = readFileSync(path.join(app, 'public/page.js'), 'utf8');
  // No static import of a Node built-in, and no bundler shim for one (the names may appear in strings).
  assert.not.match(bundle, /^import[^;]*from\s*["']node:/m);
  assert.not.match(bundle, /__require\(["']node:/);
  writeFileSync(path.join(app, 'public/index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="page.js"></script>\n');
  copyFileSync(path.join(app, 'node/face.png'), path.join(app, 'public/face.png'));

  const server = await serve(['--root', 'public'], app);
  const browser = await launchChromium({ webgpu: false });
  try {
    const origin = server.origin;
    await browser.page.goto(`${origin}/index.html`);
    const handle = await browser.page.waitForFunction(() => (globalThis as unknown as { facecodecResult?: unknown }).facecodecResult, undefined, { timeout: 120_000 });
    const result = (await handle.evaluate((r: { png: Uint8Array; restored: Uint8Array }) => ({ png: Array.from(r.png), restored: Array.from(r.restored) }))) as { png: number[]; restored: number[] };
    assert.equal(browser.errors, []);
    assert.ok(Buffer.from(result.png).equals(node.png), "the page's PNG equals Node's");
    assert.ok(Buffer.from(result.restored).equals(Buffer.from(node.restored)), "the page's restored chip equals Node's");
  } finally {
    await browser.close();
    server.stop();
  }
});

test.run();
