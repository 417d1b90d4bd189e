// The kiosk page in real headless Chromium with a fake camera (--use-fake-device-for-media-stream
// --use-file-for-fake-video-capture) playing Y4M videos made from the bundled chips (kiosk-video.ts):
// live detection on the video, enrol one person, verify the same person from another photo (same) and
// another person (different), reload offline (service worker) and verify again, a refused camera and
// none at all.
// One browser profile is kept across launches, so IndexedDB and the service worker persist as they
// would on a kiosk; each launch plays its own video.
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../host/cli/serve.ts';
import { browserSuite, ensureBrowserBundle, launchChromium, type Browser } from './helpers.ts';
import { sampleVideo } from './kiosk-video.ts';

const { test, it, skip } = browserSuite('kiosk page in Chromium');
const ENROLLED = 'George_Clooney_0001.png', SAME = 'George_Clooney_0002.png', OTHER = 'Martha_Burk_0001.png';

let server: RunningServer, dir: string, profile: string;
const video = (sample: string) => path.join(dir, `${sample}.y4m`);

test.before(async () => {
  if (skip) return;
  ensureBrowserBundle();
  dir = mkdtempSync(path.join(tmpdir(), 'fc-kiosk-'));
  profile = path.join(dir, 'profile');
  for (const s of [ENROLLED, SAME, OTHER]) writeFileSync(video(s), sampleVideo(s));
  server = await startServer({ port: 0 });
});
test.after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Kiosk = Browser;

/** Chromium on the shared profile with the fake camera playing `sample`'s video; camera refused when `deny`. */
function launch(sample: string | null, { deny = false, noCamera = false } = {}): Promise<Kiosk> {
  const camera = deny ? ['--deny-permission-prompts'] : ['--use-fake-ui-for-media-stream', ...(sample ? [`--use-file-for-fake-video-capture=${video(sample)}`] : [])];
  // Without the fake device a headless browser here has no camera at all.
  const args = [...(noCamera ? [] : ['--use-fake-device-for-media-stream']), ...camera];
  return launchChromium({ webgpu: false, args, viewport: { width: 1180, height: 640 }, profile });
}

const open = async (k: Kiosk) => {
  await k.page.goto(`${server.origin}/web/kiosk.html?backend=wasm`);
  await k.page.waitForFunction(() => ['ready', 'no-camera', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 120_000 });
};
const state = (k: Kiosk): Promise<Record<string, unknown>> => k.page.evaluate(() => ({ ...(window as unknown as { kiosk: Record<string, unknown> }).kiosk, status: document.getElementById('status')!.textContent }));

/** Clicks a button and waits until the action is over; returns window.kiosk then. */
async function press(k: Kiosk, id: string) {
  await k.page.click(`#${id}`);
  await k.page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: 120_000 });
  return state(k) as unknown as Promise<{ result: { name: string; distance: number; verdict: string } | null; error: string | null; people: string[] }>;
}

/** Waits until the live loop has run `frames` detections with a face, then returns the state. */
async function detecting(k: Kiosk, frames = 5) {
  await k.page.waitForFunction((n) => { const s = (window as unknown as { kiosk: { frames: number; faces: unknown[] } }).kiosk; return s.frames >= n && s.faces.length > 0; }, frames, { timeout: 60_000 });
  return state(k) as unknown as Promise<{ state: string; fps: number; faces: Array<{ box: { x: number; y: number; width: number; height: number } }>; backend: { name: string } }>;
}

it('live detection on the camera video, enrol, verify the same person from another photo', async () => {
  let k = await launch(ENROLLED);
  try {
    await open(k);
    const s = await detecting(k);
    assert.is(s.state, 'ready');
    assert.is(s.backend.name, 'wasm');
    const [{ box }] = s.faces; // the chip is pasted around (320, 230) at 210 px in a 640x480 video
    assert.ok(Math.abs(box.x + box.width / 2 - 320) < 70 && Math.abs(box.y + box.height / 2 - 230) < 70 && box.width > 100 && box.width < 320, JSON.stringify(box));
    assert.ok(s.fps > 0);
    await k.page.fill('#name', 'George');
    let r = await press(k, 'enrol');
    assert.is(r.error, null);
    assert.equal(r.people, ['George']);
    // The same video verifies as George, far under the threshold.
    r = await press(k, 'verify');
    assert.is(r.result!.name, 'George');
    assert.is(r.result!.verdict, 'same');
    assert.equal(k.errors, []);
  } finally {
    await k.context.close();
  }
  k = await launch(SAME);
  try {
    await open(k);
    await detecting(k);
    const r = await press(k, 'verify');
    assert.equal(r.people, ['George'], 'the enrolment persisted in IndexedDB');
    assert.is(r.result!.verdict, 'same', JSON.stringify(r.result));
  } finally {
    await k.context.close();
  }
});

it('another person is not verified; offline after a reload, verification still runs', async () => {
  const k = await launch(OTHER);
  try {
    await open(k);
    await detecting(k);
    let r = await press(k, 'verify');
    assert.is(r.result!.name, 'George');
    assert.is(r.result!.verdict, 'different', JSON.stringify(r.result));
    await k.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
    await k.context.setOffline(true);
    await k.page.reload();
    await k.page.waitForFunction(() => ['ready', 'no-camera', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 120_000 });
    await detecting(k);
    r = await press(k, 'verify');
    assert.is(r.result!.verdict, 'different', 'offline, from the service worker cache');
    assert.equal(k.errors, []);
  } finally {
    await k.context.close();
  }
});

it('a refused camera and a missing one are said plainly', async () => {
  for (const [opts, message] of [[{ deny: true }, /Camera access was refused/], [{ noCamera: true }, /No camera was found/]] as const) {
    const k = await launch(null, opts);
    try {
      await open(k);
      const s = await state(k);
      assert.is(s.state, 'no-camera');
      assert.match(String(s.status), message);
    } finally {
      await k.context.close();
    }
  }
});

test.run();
