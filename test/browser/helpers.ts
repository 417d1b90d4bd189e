// Shared by the real-browser tests: Debian's Chromium (never a downloaded one) driven by playwright-core,
// a fresh profile per launch, the demo page served by `facecodec serve`'s server, and Node's own run of
// the same sample for comparison.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBackend } from '../../host/backends/index.ts';
import { loadCodec } from '../../host/codec/codec.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { distance, loadRecognizer } from '../../host/models/recognizer.ts';
import type { Image } from '../../host/image/image.ts';

export const ROOT = path.join(import.meta.dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium with WebGPU on: with no GPU, Chromium's bundled SwiftShader (Vulkan on the CPU) is the
 * adapter ("google / swiftshader"); no other flag is needed for it. Without --enable-unsafe-webgpu the
 * same browser has navigator.gpu but no adapter, which is how the fallback test gets a WebGPU-less browser.
 */
export const CHROMIUM_FLAGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const WEBGPU_FLAG = '--enable-unsafe-webgpu';

/**
 * A uvu suite for browser tests, and `it` to register them with: skipped (with a message) where Chromium is
 * not installed, except under CI, where a missing browser is one failing test instead.
 */
export function browserSuite(name: string) {
  const test = suite(name);
  if (existsSync(CHROMIUM)) return { test, it: test, skip: false };
  const why = `${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium)`;
  if (process.env.CI === 'true') {
    test('Chromium is installed (required under CI)', () => assert.unreachable(`browser tests need Chromium: ${why}`));
  } else {
    console.log(`  ${name}: skipped, ${why}`);
  }
  return { test, it: test.skip, skip: true };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page (a test can assert there were none). */
  errors: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Adds --enable-unsafe-webgpu (default true). */
  webgpu?: boolean;
  /** More Chromium flags (the kiosk's fake camera). */
  args?: string[];
  viewport?: { width: number; height: number };
  /** A profile directory kept after close (IndexedDB, service worker); default: a fresh one, removed on close. */
  profile?: string;
}

export async function launchChromium({ webgpu = true, args = [], viewport = { width: 1320, height: 860 }, profile: kept }: LaunchOptions = {}): Promise<Browser> {
  const profile = kept ?? mkdtempSync(path.join(tmpdir(), 'fc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(webgpu ? [WEBGPU_FLAG] : []), ...args],
    viewport,
    timeout: 30_000,
  });
  context.setDefaultTimeout(120_000);
  // tsx compiles these tests with esbuild's keepNames, which wraps named functions inside page.evaluate
  // callbacks in __name(fn, "name"); the page needs that helper to exist.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close().catch(() => {});
      if (!kept) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What the demo page leaves in window.facecodecDemo.result, with typed arrays as plain arrays. */
export interface DemoResult {
  name: string;
  quality: number;
  aligned: boolean;
  backend: { name: string; fallbackReason: string | null; crossOriginIsolated: boolean; adapter?: string; build?: string; threads?: number };
  input: { width: number; height: number };
  chip: number[];
  png: number[];
  restored: number[];
  distance: number;
  psnr: number;
  jpeg: { bytes: number; quality: number; distance: number; psnr: number };
  timings: Record<string, number>;
}

/** Opens web/?query, waits until the page has finished its run, and returns the result (or the error). */
export async function runDemo(page: Page, origin: string, query: string): Promise<{ result?: DemoResult; error?: string; backendText: string }> {
  await page.goto(`${origin}/web/?${query}`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 150_000 });
  return page.evaluate(() => {
    const demo = (window as unknown as { facecodecDemo: { result: Record<string, unknown> | null; error: string | null } }).facecodecDemo;
    const backendText = document.getElementById('backend')!.textContent ?? '';
    if (document.body.dataset.state === 'error') return { error: demo.error ?? 'unknown error', backendText };
    const r = demo.result!;
    const arr = (a: unknown) => Array.from(a as Uint8Array);
    return { result: { ...r, chip: arr(r.chip), png: arr(r.png), restored: arr(r.restored) } as never, backendText };
  });
}

/** The bundle the page imports, rebuilt (esbuild, about a second) when missing or older than its sources. */
export function ensureBrowserBundle(): void {
  const bundle = path.join(ROOT, 'dist/browser/facecodec.js');
  const newest = (dir: string, ext: RegExp): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p, ext) : ext.test(e.name) ? statSync(p).mtimeMs : 0);
    }, 0);
  const sources = Math.max(newest(path.join(ROOT, 'host'), /\.ts$/), newest(path.join(ROOT, 'wgsl'), /\.wgsl$/), statSync(path.join(ROOT, 'scripts/build.mjs')).mtimeMs);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
}

export const SAMPLE = 'Paul_Tagliabue_0001.png';
export const QUALITY = 50;

/** Node's run of the sample on the wasm backend: the reference the browser's results are checked against. */
export async function nodeReference(sample = SAMPLE, quality = QUALITY) {
  const chip = decodeImage(readFileSync(path.join(ROOT, 'samples', sample)));
  const backend = await createBackend('wasm');
  const [codec, recognizer] = await Promise.all([loadCodec({ backend }), loadRecognizer({ backend })]);
  const png = await codec.encode(chip, { quality });
  const restored = await codec.decode(png);
  const original = await recognizer.embed(chip);
  return {
    chip,
    png,
    restored,
    distance: distance(original, await recognizer.embed(restored)),
    /** Decodes a file with Node's codec (wasm). */
    decode: (bytes: Uint8Array) => codec.decode(bytes),
    /** Recognizer distance from the original chip to an RGB 150x150 image. */
    distanceTo: async (rgb: ArrayLike<number>) => distance(original, await recognizer.embed({ data: Uint8Array.from(rgb), width: chip.width, height: chip.height, channels: 3 })),
    dispose: () => {
      codec.dispose();
      recognizer.dispose();
      (backend as { dispose?: () => void }).dispose?.();
    },
  };
}

export const rgbOf = (img: Image): number[] => {
  const out: number[] = [];
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) out.push(img.data[p * img.channels + c]);
  return out;
};

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

export const sameBytes = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && maxAbsDiff(a, b) === 0;
