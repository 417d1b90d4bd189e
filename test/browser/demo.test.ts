// The demo page in real headless Chromium, served cross-origin isolated (COOP/COEP) as `facecodec serve`
// does: one sample through encode -> decode -> recognizer on WebAssembly (threads) and on WebGPU
// (SwiftShader), each checked against Node's run of the same sample; then the library in a module Web
// Worker. The WebGPU run leaves a screenshot in out/browser/ (UPDATE_SCREENSHOT=1 also writes the
// committed web/screenshot.png).
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodePng } from '../../host/image/codecs.ts';
import { cropResize } from '../../host/image/image.ts';
import { loadFaceFinder, PHOTO_FALLBACK_SIZES } from '../../host/models/faces.ts';
import { startServer, type RunningServer } from '../../host/cli/serve.ts';
import { browserSuite, ensureBrowserBundle, launchChromium, maxAbsDiff, nodeReference, QUALITY, rgbOf, ROOT, runDemo, SAMPLE, sameBytes, type Browser, type DemoResult } from './helpers.ts';

const { test, it, skip } = browserSuite('demo page in Chromium');

let server: RunningServer, browser: Browser, node: Awaited<ReturnType<typeof nodeReference>>;
let wasmRun: DemoResult;

test.before(async () => {
  if (skip) return;
  ensureBrowserBundle();
  [server, browser, node] = await Promise.all([startServer({ port: 0 }), launchChromium({ webgpu: true }), nodeReference()]);
});

test.after(async () => {
  await browser?.close();
  await server?.close();
  node?.dispose();
});

it('WebAssembly, cross-origin isolated: threads, and the same bytes as Node', async () => {
  const { result, error, backendText } = await runDemo(browser.page, server.origin, `backend=wasm&sample=${SAMPLE}&quality=${QUALITY}`);
  assert.is(error, undefined, `page error: ${error}`);
  const r = (wasmRun = result!);
  assert.is(r.backend.name, 'wasm');
  assert.ok(r.backend.crossOriginIsolated, 'COOP/COEP make the page cross-origin isolated');
  const cores = await browser.page.evaluate(() => navigator.hardwareConcurrency);
  if (cores > 1) {
    assert.ok(r.backend.threads! >= 2, `threads: ${r.backend.threads}`);
    assert.not.match(r.backend.build!, /-st$/, 'the shared-memory kernel build');
  }
  assert.match(backendText, /WebAssembly \((relaxed )?SIMD, \d threads?; cross-origin isolated\)/);
  assert.not.ok(r.aligned, 'a 150x150 sample is used as is');
  assert.ok(sameBytes(r.chip, rgbOf(node.chip)), 'the browser decodes the sample PNG to the same pixels as Node');
  assert.ok(sameBytes(r.png, node.png), `facecodec PNG: ${r.png.length} bytes in the browser, ${node.png.length} in Node`);
  assert.ok(sameBytes(r.restored, node.restored.data), `restored chip differs by up to ${maxAbsDiff(r.restored, node.restored.data)}`);
  assert.ok(Math.abs(r.distance - node.distance) < 1e-4, `distance ${r.distance} vs Node ${node.distance}`);
  // The JPEG beside it is the browser's own, sized to about the same bytes, and judged the same way.
  assert.ok(Math.abs(r.jpeg.bytes - r.png.length) <= 0.2 * r.png.length, `JPEG ${r.jpeg.bytes} bytes vs ${r.png.length}`);
  assert.ok(r.jpeg.distance > 0 && r.jpeg.distance < 2 && r.jpeg.psnr > 20, JSON.stringify(r.jpeg));
  for (const step of ['load models (codec + recognizer)', 'encode (CompNet + PNG)', 'decode (PNG + RecNet)', 'recognizer (3 chips)']) {
    assert.ok(r.timings[step] > 0, `timing for ${step}`);
  }
  assert.equal(browser.errors, []);
});

it('the library in a module Web Worker: threads there too, same bytes, clear errors', async () => {
  const reply = await browser.page.evaluate(
    async ({ chip, quality }) => {
      const worker = new Worker('/web/worker.js', { type: 'module' });
      const ask = (msg: unknown) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the worker did not answer within 60 s')), 60_000);
          worker.onmessage = (e) => (clearTimeout(timer), resolve(e.data));
          worker.onerror = (e) => (clearTimeout(timer), reject(new Error(`worker error: ${e.message}`)));
          worker.postMessage(msg);
        });
      try {
        const image = { data: new Uint8Array(chip), width: 150, height: 150, channels: 3 };
        const ok = await ask({ id: 1, image, quality, backend: 'wasm' });
        const badImage = await ask({ id: 2, image: { ...image, data: new Uint8Array(10) }, quality, backend: 'wasm' });
        const badQuality = await ask({ id: 3, image, quality: 0, backend: 'wasm' });
        const noImage = await ask({ id: 4, quality });
        const again = await ask({ id: 5, image, quality, backend: 'wasm' }); // still works after errors
        const restored = ok.restored as { data: Uint8Array };
        return { ok: { ...ok, png: Array.from(ok.png as Uint8Array), restored: Array.from(restored.data) }, badImage, badQuality, noImage, againBytes: (again.png as Uint8Array)?.length };
      } finally {
        worker.terminate();
      }
    },
    { chip: wasmRun.chip, quality: QUALITY },
  );
  const ok = reply.ok as unknown as { png: number[]; restored: number[]; backend: { name: string; threads: number; build: string }; crossOriginIsolated: boolean; error?: string };
  assert.is(ok.error, undefined, ok.error);
  assert.is(ok.backend.name, 'wasm');
  assert.ok(ok.crossOriginIsolated, 'the worker inherits cross-origin isolation');
  assert.is(ok.backend.threads, 2, 'the wasm backend starts its own worker threads from inside a worker');
  assert.ok(sameBytes(ok.png, node.png), 'worker PNG = Node PNG');
  assert.ok(sameBytes(ok.restored, node.restored.data), 'worker restored chip = Node restored chip');
  assert.match(String(reply.badImage.error), /image data has 10 values/);
  assert.match(String(reply.badQuality.error), /quality must be an integer 1\.\.100/);
  assert.match(String(reply.noImage.error), /^post \{ id, image/);
  assert.is(reply.againBytes, node.png.length);
});

it('a dropped photo that is not a chip is aligned first (as Node aligns it); a non-image gets a clear error', async () => {
  // A 260x260 "photo": the sample zoomed out with its edges repeated, so the face sits in the middle.
  const photo = cropResize(node.chip, { x: -40, y: -40, width: 230, height: 230 }, 260);
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-drop-'));
  writeFileSync(path.join(dir, 'photo.png'), encodePng(photo));
  writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
  const page = browser.page;
  const pick = async (file: string) => {
    await page.evaluate(() => (document.body.dataset.state = 'picking'));
    await page.setInputFiles('#file', path.join(dir, file));
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 60_000 });
    return page.evaluate(() => {
      const demo = (window as unknown as { facecodecDemo: { result: { aligned: boolean; input: unknown; chip: Uint8Array; name: string }; error: string | null } }).facecodecDemo;
      return { state: document.body.dataset.state, error: demo.error, name: demo.result.name, aligned: demo.result.aligned, input: demo.result.input, chip: Array.from(demo.result.chip) };
    });
  };
  const dropped = await pick('photo.png');
  assert.is(dropped.state, 'done', String(dropped.error));
  assert.is(dropped.name, 'photo.png');
  assert.ok(dropped.aligned);
  assert.equal(dropped.input, { width: 260, height: 260 });
  const finder = await loadFaceFinder({ backend: 'wasm' });
  const [{ chip }] = await finder.find(photo, { maxFaces: 1, fallbackSizes: PHOTO_FALLBACK_SIZES });
  finder.dispose();
  assert.ok(sameBytes(dropped.chip, rgbOf(chip)), `aligned chip differs from Node's by up to ${maxAbsDiff(dropped.chip, rgbOf(chip))}`);
  const bad = await pick('notes.txt');
  assert.is(bad.state, 'error');
  assert.match(String(bad.error), /notes\.txt: not an image this browser can decode/);
  assert.equal(browser.errors, []);
});

it('WebGPU (SwiftShader): agrees with Node within the cross-backend tolerances; screenshot', async () => {
  const { result, error, backendText } = await runDemo(browser.page, server.origin, `backend=webgpu&sample=${SAMPLE}&quality=${QUALITY}`);
  assert.is(error, undefined, `page error: ${error}`);
  const r = result!;
  assert.is(r.backend.name, 'webgpu');
  assert.is(r.backend.fallbackReason, null);
  assert.match(backendText, /^Backend: WebGPU \(adapter: .+\)$/);
  console.log(`  WebGPU adapter in Chromium: ${r.backend.adapter}`);
  assert.ok(sameBytes(r.chip, rgbOf(node.chip)));
  // Encoders on different backends may differ where a code value sits on a rounding boundary (the limits
  // test/codec/backends.test.ts uses): file size within 16 bytes, restored chips within 8 levels.
  assert.ok(Math.abs(r.png.length - node.png.length) <= 16, `PNG ${r.png.length} bytes vs Node ${node.png.length}`);
  const nodeDecoded = await node.decode(Uint8Array.from(r.png));
  assert.ok(maxAbsDiff(nodeDecoded.data, node.restored.data) <= 8, `browser file restores within 8 levels of Node's (${maxAbsDiff(nodeDecoded.data, node.restored.data)})`);
  // The same file decodes on WebGPU within 1 level of Node's wasm decode.
  assert.ok(maxAbsDiff(r.restored, nodeDecoded.data) <= 1, `WebGPU decode vs Node decode of the same file: ${maxAbsDiff(r.restored, nodeDecoded.data)}`);
  // The recognizer on WebGPU: the page's distance equals Node's on the same two chips.
  const nodeDistance = await node.distanceTo(r.restored);
  assert.ok(Math.abs(r.distance - nodeDistance) < 1e-3, `distance ${r.distance} (WebGPU) vs ${nodeDistance} (Node wasm)`);
  assert.ok(r.distance < 0.6112, 'quality 50 keeps the same person');
  assert.equal(browser.errors, []);

  const dir = path.join(ROOT, 'out/browser');
  mkdirSync(dir, { recursive: true });
  const shot = path.join(dir, 'demo-webgpu-screenshot.png');
  await browser.page.screenshot({ path: shot, fullPage: true });
  if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(shot, path.join(ROOT, 'web/screenshot.png'));
});

test.run();
