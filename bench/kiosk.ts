// The kiosk page's live detection rate in headless Chromium (Debian's chromium, playwright-core) with a
// fake camera playing a 640x480 Y4M video of a sample face (test/browser/kiosk-video.ts): for each
// backend, the page's own frames/s (detections completed per second, over its last 2 s) read every
// second for `--seconds` after a 5 s warm-up; median and range reported. Then one enrolment and one
// verification on WebAssembly, and a screenshot of that page (--screenshot, default
// web/kiosk-screenshot.png, the README's). Writes bench/results/kiosk.md.
// Usage: npx tsx bench/kiosk.ts [--seconds 20] [--backends wasm,webgpu] [--screenshot FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../host/cli/serve.ts';
import { CHROMIUM, CHROMIUM_FLAGS, ensureBrowserBundle, WEBGPU_FLAG } from '../test/browser/helpers.ts';
import { sampleVideo, VIDEO_HEIGHT, VIDEO_WIDTH } from '../test/browser/kiosk-video.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, backends: { type: 'string', default: 'wasm,webgpu' }, screenshot: { type: 'string', default: 'web/kiosk-screenshot.png' } } });
const seconds = Number(values.seconds);
ensureBrowserBundle();
const dir = mkdtempSync(path.join(tmpdir(), 'fc-kiosk-bench-'));
const video = path.join(dir, 'camera.y4m');
writeFileSync(video, sampleVideo('George_Clooney_0001.png'));
const server = await startServer({ port: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows: string[] = [];

for (const backend of values.backends!.split(',')) {
  const context = await chromium.launchPersistentContext(path.join(dir, `profile-${backend}`), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, WEBGPU_FLAG, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    viewport: { width: 1180, height: 640 },
  });
  context.setDefaultTimeout(300_000);
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.origin}/web/kiosk.html?backend=${backend}`);
  await page.waitForFunction(() => ['ready', 'no-camera', 'error'].includes(document.body.dataset.state ?? ''));
  const kiosk = () => page.evaluate(() => (window as unknown as { kiosk: { state: string; fps: number; frames: number; error: string | null; backend: { name: string } } }).kiosk);
  const first = await kiosk();
  if (first.state !== 'ready') throw new Error(`${backend}: page state ${first.state}: ${first.error}`);
  await sleep(5000);
  const fps: number[] = [];
  const f0 = (await kiosk()).frames, t0 = performance.now();
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    fps.push((await kiosk()).fps);
  }
  const overall = ((await kiosk()).frames - f0) / ((performance.now() - t0) / 1000);
  fps.sort((a, b) => a - b);
  const text = (await page.textContent('#backend'))!.replace('Backend: ', '');
  const row = `| ${backend} | ${text} | ${overall.toFixed(1)} | ${fps[Math.floor(fps.length / 2)].toFixed(1)} | ${fps[0].toFixed(1)} - ${fps.at(-1)!.toFixed(1)} |`;
  console.log(row);
  rows.push(row);
  if (backend === 'wasm') {
    await page.fill('#name', 'George Clooney');
    for (const id of ['enrol', 'verify']) {
      await page.click(`#${id}`);
      await page.waitForFunction(() => !document.body.dataset.busy);
    }
    await sleep(1500);
    await page.screenshot({ path: values.screenshot });
  }
  await context.close();
}
await server.close();
rmSync(dir, { recursive: true, force: true });

writeFileSync(new URL('./results/kiosk.md', import.meta.url), `# Kiosk page: live detection rate

\`npx tsx bench/kiosk.ts --seconds ${seconds} --backends ${values.backends}\`: headless Chromium (Debian's), fake camera
${VIDEO_WIDTH}x${VIDEO_HEIGHT} playing a video of one face, the page's live loop (frame scaled to the detector's 128x128
input, BlazeFace, decoding, boxes drawn) as fast as it goes, on this shared 2-core machine. "overall" is detections
completed over the ${seconds} s window after a 5 s warm-up; the page's own 2 s figure was read every second.

| backend | as the page reports it | overall frames/s | median frames/s (2 s windows) | range |
|---|---|---|---|---|
${rows.join('\n')}

Screenshot after one enrolment and one verification on WebAssembly: ${values.screenshot}.
`);
