// The demo page where WebGPU is unavailable, in real headless Chromium: launched without
// --enable-unsafe-webgpu it has navigator.gpu but no adapter; a page script can also remove navigator.gpu.
// Either way "auto" falls back to WebAssembly and says why, and a forced "webgpu" fails with a clear
// message. Served without COOP/COEP, the page is not cross-origin isolated and runs on one thread.
import * as assert from 'uvu/assert';
import { startServer, type RunningServer } from '../../host/cli/serve.ts';
import { browserSuite, ensureBrowserBundle, launchChromium, nodeReference, QUALITY, runDemo, SAMPLE, sameBytes, type Browser } from './helpers.ts';

const { test, it, skip } = browserSuite('WebGPU fallback and single-thread pages in Chromium');

let isolated: RunningServer, plain: RunningServer, browser: Browser, node: Awaited<ReturnType<typeof nodeReference>>;
const query = `sample=${SAMPLE}&quality=${QUALITY}`;

test.before(async () => {
  if (skip) return;
  ensureBrowserBundle();
  [isolated, plain, browser, node] = await Promise.all([startServer({ port: 0 }), startServer({ port: 0, isolation: false }), launchChromium({ webgpu: false }), nodeReference()]);
});

test.after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
  node?.dispose();
});

it('no WebGPU adapter: auto falls back to WebAssembly, says so, and gives Node\'s bytes', async () => {
  await browser.page.goto(`${isolated.origin}/web/samples.json`);
  const gpu = await browser.page.evaluate(async () => ({ api: 'gpu' in navigator, adapter: !!(await navigator.gpu?.requestAdapter()) }));
  assert.equal(gpu, { api: true, adapter: false }, 'this browser has the WebGPU API but no adapter');
  const { result, error, backendText } = await runDemo(browser.page, isolated.origin, `backend=auto&${query}`);
  assert.is(error, undefined, error);
  assert.is(result!.backend.name, 'wasm');
  assert.match(String(result!.backend.fallbackReason), /no WebGPU adapter found \(the browser offers none/);
  assert.match(backendText, /WebGPU unavailable, fell back to WebAssembly: no WebGPU adapter found/);
  assert.ok(sameBytes(result!.png, node.png), 'same PNG as Node');
  assert.ok(sameBytes(result!.restored, node.restored.data), 'same restored chip as Node');
});

it('navigator.gpu missing: the same fallback, with that reason', async () => {
  const page = await browser.context.newPage();
  try {
    await page.addInitScript(() => delete (Navigator.prototype as { gpu?: unknown }).gpu);
    const { result, error } = await runDemo(page, isolated.origin, `backend=auto&${query}`);
    assert.is(error, undefined, error);
    assert.is(result!.backend.name, 'wasm');
    assert.match(String(result!.backend.fallbackReason), /navigator\.gpu is missing/);
    assert.ok(sameBytes(result!.png, node.png));
  } finally {
    await page.close();
  }
});

it('WebGPU forced without an adapter: a clear error on the page, no hang', async () => {
  const { result, error } = await runDemo(browser.page, isolated.origin, `backend=webgpu&${query}`);
  assert.is(result, undefined);
  assert.match(String(error), /no WebGPU adapter found/);
  const status = await browser.page.textContent('#status');
  assert.match(String(status), /^Error: no WebGPU adapter found/);
  assert.is(await browser.page.textContent('#backend'), 'Backend: none started (webgpu was asked for)');
});

it('without COOP/COEP: not cross-origin isolated, one thread (page and worker), still Node\'s bytes', async () => {
  const { result, error, backendText } = await runDemo(browser.page, plain.origin, `backend=auto&${query}`);
  assert.is(error, undefined, error);
  const r = result!;
  assert.not.ok(r.backend.crossOriginIsolated);
  assert.is(r.backend.threads, 1);
  assert.match(r.backend.build!, /-st$/, 'the unshared single-thread kernel build');
  assert.match(backendText, /1 thread; page not cross-origin isolated/);
  assert.ok(sameBytes(r.png, node.png));
  const worker = await browser.page.evaluate(async (chip) => {
    const w = new Worker('/web/worker.js', { type: 'module' });
    try {
      return await new Promise<{ backend?: { threads: number }; png?: Uint8Array; error?: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the worker did not answer within 60 s')), 60_000);
        w.onmessage = (e) => (clearTimeout(timer), resolve(e.data));
        w.onerror = (e) => (clearTimeout(timer), reject(new Error(`worker error: ${e.message}`)));
        w.postMessage({ id: 1, image: { data: new Uint8Array(chip), width: 150, height: 150, channels: 3 }, backend: 'wasm' });
      }).then((m) => ({ ...m, png: m.png && Array.from(m.png) }));
    } finally {
      w.terminate();
    }
  }, r.chip);
  assert.is(worker.error, undefined, worker.error);
  assert.is(worker.backend!.threads, 1);
  assert.ok(sameBytes(worker.png as unknown as number[], node.png));
});

test.run();
