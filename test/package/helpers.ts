// Shared by the package tests: build and pack the repository once, install the tarball into an empty
// project once (the README's install snippet, with the tarball in place of the registry name), find the
// README's snippets by their "<!-- test: NAME -->" marker, and find the runtimes (deno, bun, workerd:
// devDependencies whose prebuilt binaries sit in their platform packages).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

export const ROOT = path.join(import.meta.dirname, '../..');
export const SAMPLE = path.join(ROOT, 'samples/George_Clooney_0001.png');

/** The fenced code block after the line "<!-- test: NAME -->" in README.md. */
export function snippet(name: string, readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')): string {
  const m = new RegExp(`<!-- test: ${name.replace(/\./g, '\\.')} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  if (!m) throw new Error(`README.md has no snippet marked <!-- test: ${name} -->`);
  return m[1];
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

export interface Installed {
  /** The consumer project: package.json and node_modules/facecodec from the tarball. */
  app: string;
  tarball: string;
  /** A fresh folder under the project with face.png (the sample chip) in it. */
  workdir(name: string): string;
}

let installing: Promise<Installed> | undefined;

/** Builds (lib/, dist/browser/), packs and installs once per test process. */
export function installed(): Promise<Installed> {
  return (installing ??= install());
}

async function install(): Promise<Installed> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'facecodec-package-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  // The build just ran; --ignore-scripts skips prepack's second one.
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const tarball = path.join(tmp, name);
  const app = path.join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  // README's "npm install facecodec", from the tarball, without dev or optional dependencies; plus the
  // Node types for the TypeScript consumer.
  const [npm, verb, ...specs] = snippet('install.sh').trim().split(/\s+/);
  assert.is(`${npm} ${verb}`, 'npm install');
  const types = `@types/node@${JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')).version}`;
  const r = await run('npm', ['install', '--omit=dev', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error', ...specs.map((s) => (s === 'facecodec' ? tarball : s)), types], app);
  if (r.code !== 0) throw new Error(`npm install of the tarball failed:\n${r.stderr}`);
  return {
    app,
    tarball,
    workdir(dir) {
      const d = path.join(app, dir);
      mkdirSync(d, { recursive: true });
      copyFileSync(SAMPLE, path.join(d, 'face.png'));
      return d;
    },
  };
}

const binaries: Record<string, string[]> = {
  deno: ['node_modules/@deno/linux-x64-glibc/deno', 'node_modules/@deno/linux-arm64-glibc/deno', 'node_modules/@deno/darwin-x64/deno', 'node_modules/@deno/darwin-arm64/deno'],
  bun: ['node_modules/bun/bin/bun.exe', 'node_modules/@oven/bun-linux-x64/bin/bun', 'node_modules/@oven/bun-linux-x64-baseline/bin/bun', 'node_modules/@oven/bun-linux-aarch64/bin/bun', 'node_modules/@oven/bun-darwin-aarch64/bin/bun'],
  workerd: ['node_modules/@cloudflare/workerd-linux-64/bin/workerd', 'node_modules/@cloudflare/workerd-linux-arm64/bin/workerd', 'node_modules/@cloudflare/workerd-darwin-64/bin/workerd', 'node_modules/@cloudflare/workerd-darwin-arm64/bin/workerd'],
};

/** A runtime's binary from its npm package, if it is installed here and runs. */
export function runtimeBinary(name: 'deno' | 'bun' | 'workerd'): string | undefined {
  for (const rel of binaries[name]) {
    const file = path.join(ROOT, rel);
    if (!existsSync(file)) continue;
    try {
      execFileSync(file, ['--version'], { stdio: 'pipe' });
      return file;
    } catch {}
  }
  return undefined;
}

/**
 * A uvu suite for one runtime: skipped with a message where its npm package is not installed here,
 * except under CI, where that is one failing test.
 */
export function runtimeSuite(name: 'deno' | 'bun' | 'workerd') {
  const test = suite(`package: ${name}`);
  const bin = runtimeBinary(name);
  if (bin) return { test, it: test, bin };
  const why = `the npm package "${name}" is not installed or its binary does not run here (npm install -D ${name})`;
  if (process.env.CI === 'true') test(`${name} is installed (required under CI)`, () => assert.unreachable(why));
  else console.log(`  package: ${name}: skipped, ${why}`);
  return { test, it: test.skip, bin: '' };
}

/** Node's run of consumer.mjs (the reference every other runtime is compared with). */
let nodeRun: Promise<{ png: Buffer; restored: Uint8Array }> | undefined;
export function nodeReference(): Promise<{ png: Buffer; restored: Uint8Array }> {
  return (nodeRun ??= (async () => {
    const { workdir } = await installed();
    const dir = workdir('node');
    writeFileSync(path.join(dir, 'consumer.mjs'), snippet('consumer.mjs'));
    const r = await run(process.execPath, ['consumer.mjs'], dir);
    if (r.code !== 0) throw new Error(`node consumer.mjs failed: ${r.stderr}`);
    return { png: readFileSync(path.join(dir, 'face.fc.png')), restored: await rgbOf(path.join(dir, 'restored.png')) };
  })());
}

/** The RGB bytes of a PNG file (decoded by the repository's own decoder). */
export async function rgbOf(file: string): Promise<Uint8Array> {
  const { decodeImage } = await import('../../host/image/codecs.ts');
  const img = decodeImage(readFileSync(file));
  const out = new Uint8Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * img.channels + c];
  return out;
}

/**
 * Node's decode of a facecodec PNG with the plain-SIMD kernels (no relaxed SIMD). An engine without
 * relaxed SIMD (Bun's JavaScriptCore) runs that build, whose rounding can differ from the relaxed
 * (fused multiply-add) build's by a level in a few pixels; on the same build the bytes are equal.
 */
export async function nodePlainSimdDecode(png: Uint8Array): Promise<Uint8Array> {
  const { WasmBackend } = await import('../../host/backends/wasm/index.ts');
  const { loadCodec } = await import('../../host/codec/codec.ts');
  const backend = await WasmBackend.create({ threads: 1, relaxed: false });
  const codec = await loadCodec({ backend });
  try {
    return (await codec.decode(png)).data as Uint8Array;
  } finally {
    codec.dispose();
  }
}

/** The installed `facecodec serve --port 0 ...`, started in cwd: its origin, and a stop function. */
export async function serve(args: string[], cwd: string): Promise<{ origin: string; stop(): void }> {
  const { app } = await installed();
  const child = spawn(path.join(app, 'node_modules/.bin/facecodec'), ['serve', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`facecodec serve exited with ${code}: ${out}`)));
  });
  return { origin, stop: () => child.kill() };
}
