// The packed tarball in Node: every command of the installed CLI (README's cli.sh, then the rest), the
// README's JS consumer, and its TypeScript consumer type-checked under NodeNext and bundler resolution.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installed, nodeReference, ROOT, run, serve, snippet } from './helpers.ts';

const PRODUCT_COMMANDS = ['demo', 'encode', 'decode', 'info', 'compare', 'embed', 'align', 'serve', 'batch', 'worker', 'help'];

/** The installed bin, as npx runs it (node_modules/.bin/facecodec). */
async function cli(args: string[], cwd?: string) {
  const { app } = await installed();
  return run(path.join(app, 'node_modules/.bin/facecodec'), args, cwd ?? app);
}

test('the package holds compiled code, declarations and assets, and no dev code', async () => {
  const { app } = await installed();
  const pkg = path.join(app, 'node_modules/facecodec');
  for (const f of ['lib/node.js', 'lib/node.d.ts', 'lib/index.d.ts', 'lib/cli/main.js', 'dist/browser/facecodec.js', 'kernels/dist/kernels-simd.wasm', 'weights/recognizer-dlib-r29.safetensors']) {
    assert.ok(existsSync(path.join(pkg, f)), f);
  }
  assert.not.ok(existsSync(path.join(pkg, 'bench')), 'bench/ is not shipped');
  assert.not.ok(existsSync(path.join(pkg, 'host')) || existsSync(path.join(pkg, 'lib/node.d.ts.map')) || existsSync(path.join(pkg, 'lib/node.js.map')), 'no TypeScript sources and no maps (the 15 MB budget)');
  // Encode effort needs the tape, Adam and the layout's quantisation steps (lib/train/), not the trainer.
  assert.not.ok(existsSync(path.join(pkg, 'lib/train/train-codec.js')) || existsSync(path.join(pkg, 'lib/train/data.js')), 'no trainer or evaluation code');
  assert.ok(existsSync(path.join(pkg, 'lib/batch/thread-main.js')), "the batch pool's thread entry");
  for (const dev of ['tsx', 'esbuild', 'typescript']) assert.not.ok(existsSync(path.join(app, 'node_modules', dev)), `${dev} is not installed`);
  const dts = readFileSync(path.join(pkg, 'lib/codec/codec.d.ts'), 'utf8');
  assert.not.match(dts, /from '\.[^']*\.ts'/, 'declarations import .js paths');
});

test('help lists exactly the commands the installed CLI has', async () => {
  const r = await cli(['help']);
  assert.is(r.code, 0, r.stderr);
  const listed = [...r.stdout.matchAll(/^  (\w+)\b/gm)].map((m) => m[1]);
  assert.equal(listed, PRODUCT_COMMANDS);
  for (const dev of ['bench', 'train']) {
    const u = await cli([dev]);
    assert.is(u.code, 2);
    assert.match(u.stderr, new RegExp(`unknown command "${dev}"`));
  }
});

test("README's cli.sh runs with the installed bin (encode, info, decode, compare)", async () => {
  const { app, workdir } = await installed();
  const dir = workdir('cli');
  const bin = path.join(app, 'node_modules/.bin');
  for (const line of snippet('cli.sh').split('\n')) {
    const [npx, name, ...args] = line.trim().split(/\s+/);
    assert.equal([npx, name], ['npx', 'facecodec'], line);
    const r = await run(path.join(bin, 'facecodec'), args, dir);
    assert.is(r.code, 0, `${line}: ${r.stderr}`);
    if (args[0] === 'info') assert.match(r.stdout, /quality: 50/);
    if (args[0] === 'compare') assert.match(r.stdout, /same/);
  }
  const { png } = await nodeReference();
  assert.ok(readFileSync(path.join(dir, 'face.fc.png')).equals(png), 'the CLI writes the library\'s bytes');
});

test('embed, align, demo and serve from the installed package; errors exit 1 and 2', async () => {
  const { workdir } = await installed();
  const dir = workdir('cli-more');
  let r = await cli(['embed', '--json', 'face.png'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).descriptor.length, 128);
  r = await cli(['align', 'face.png', '-o', 'chips'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.equal(readdirSync(path.join(dir, 'chips')), ['face.png']);
  r = await cli(['demo', '--qualities', '50', '--out', 'demo'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.split('\n').filter((l) => /^\S+\.png\s+50\s+\d+/.test(l)).length, 6, r.stdout);
  r = await cli(['info', 'face.png'], dir);
  assert.is(r.code, 1);
  assert.match(r.stderr, /not a facecodec PNG/);
  r = await cli(['encode'], dir);
  assert.is(r.code, 2);
  await serveOnce();
});

/** `facecodec serve` from the installed package serves the demo page and the browser bundle. */
async function serveOnce() {
  const { app } = await installed();
  const server = await serve([], app);
  try {
    for (const p of ['/web/', '/dist/browser/facecodec.js', '/kernels/dist/kernels-simd.wasm']) {
      const res = await fetch(server.origin + p);
      assert.is(res.status, 200, p);
    }
  } finally {
    server.stop();
  }
}

test('batch runs on its compiled thread entry; without the optional queue dependencies worker says how to add them', async () => {
  const { app, workdir } = await installed();
  const dir = workdir('batch');
  let r = await cli(['batch', 'encode', 'face.png', '-o', 'out', '--threads', '2'], dir);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.ok(readdirSync(path.join(dir, 'out'), { recursive: true }).some((f) => String(f).endsWith('.png')), r.stdout);
  r = await cli(['worker'], dir);
  assert.is(r.code, 2, 'worker without --queue is a usage error');
  // The install omits optional dependencies, so bullmq and ioredis are absent: a clear error, exit 1.
  assert.not.ok(existsSync(path.join(app, 'node_modules/bullmq')), 'installed with --omit=optional');
  r = await cli(['worker', '--queue', 'redis://127.0.0.1:1'], dir);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /optional dependencies bullmq and ioredis .*npm install bullmq ioredis/);
});

test("README's consumer.mjs runs in Node from the tarball", async () => {
  const { png, restored } = await nodeReference();
  assert.is(png.subarray(1, 4).toString(), 'PNG');
  assert.is(restored.length, 150 * 150 * 3);
});

test("README's consumer.ts type-checks with tsc --strict under NodeNext and bundler resolution", async () => {
  const { workdir } = await installed();
  const dir = workdir('ts');
  writeFileSync(path.join(dir, 'consumer.ts'), snippet('consumer.ts'));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const common = ['--strict', '--noEmit', '--target', 'es2022', '--types', 'node', 'consumer.ts'];
  for (const mode of [['--module', 'nodenext', '--moduleResolution', 'nodenext'], ['--module', 'esnext', '--moduleResolution', 'bundler']]) {
    const r = await run(process.execPath, [tsc, ...mode, ...common], dir);
    assert.is(r.code, 0, `${mode.join(' ')}: ${r.stdout}${r.stderr}`);
  }
  // And it catches a mistake: the declarations are real types, not any.
  writeFileSync(path.join(dir, 'wrong.ts'), "import { loadCodec } from 'facecodec';\nconst n: number = await loadCodec({ quality: 'high' });\n");
  const r = await run(process.execPath, [tsc, '--module', 'nodenext', '--moduleResolution', 'nodenext', ...common.slice(0, -1), 'wrong.ts'], dir);
  assert.is(r.code, 2);
  assert.match(r.stdout, /TS2322|TS2345/);
});

test.run();
