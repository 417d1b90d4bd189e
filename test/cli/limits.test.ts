// Decode limits: per call in the API (Codec.decode's limits, parseContainer) and per CLI flag
// (--max-pixels, --max-file-bytes, --max-chunks on encode, decode, info and compare), with defaults.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CodecError, loadCodec, parseContainer } from '../../host/codec/codec.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { ImageError } from '../../host/image/image.ts';
import { untrainedModels } from '../codec/helpers.ts';

async function rejects(f: () => Promise<unknown>, check: RegExp | ((e: Error) => boolean)): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert.ok(check instanceof RegExp ? check.test((e as Error).message) : check(e as Error), (e as Error).message);
    return;
  }
  assert.unreachable(`expected a rejection matching ${check}`);
}

const root = path.join(import.meta.dirname, '../..');
const sample = readFileSync(path.join(root, 'samples/Martha_Burk_0001.png'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/facecodec.js'), ...args], { cwd: root }, (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }));
  });
}

test('API: codec limits by default, overridden per call; parseContainer takes the same limits', async () => {
  const codec = await loadCodec({ ...untrainedModels(3), backend: 'wasm', maxChunks: 3 });
  try {
    const png = await codec.encode(decodeImage(sample), { quality: 30 });
    await rejects(() => codec.decode(png), /more than 3 chunks/); // the codec's own limit (file has 4)
    assert.is((await codec.decode(png, { maxChunks: 4 })).width, 150);
    await rejects(() => codec.decode(png, { maxChunks: 4, maxFileBytes: png.length - 1 }), (e: Error) => e instanceof CodecError && /over the limit of \d+ bytes/.test(e.message));
    await rejects(() => codec.decode(png, { maxChunks: 4, maxPixels: 149 * 150 }), /over the limit of 22350 pixels/);
    assert.throws(() => parseContainer(png, { maxFileBytes: 10 }), /over the limit of 10 bytes/);
    assert.is(parseContainer(png).header.width, 150); // defaults
  } finally {
    codec.dispose();
  }
  assert.throws(() => decodeImage(sample, { maxFileBytes: 100 }), (e: Error) => e instanceof ImageError && /over the limit of 100 bytes/.test(e.message));
});

test('CLI: --max-file-bytes, --max-pixels, --max-chunks refuse with exit 1; bad values are usage errors (exit 2)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-limits-'));
  const png = path.join(dir, 'a.fc.png');
  let r = await cli(['encode', 'samples/Martha_Burk_0001.png', '-q', '20', '-o', png]);
  assert.is(r.code, 0, r.stderr);
  const size = readFileSync(png).length;
  r = await cli(['decode', png, '-o', path.join(dir, 'out.png'), '--max-file-bytes', String(size - 1)]);
  assert.is(r.code, 1);
  assert.match(r.stderr, new RegExp(`${size} bytes, over the limit of ${size - 1} bytes`));
  r = await cli(['info', png, '--max-chunks', '3']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /more than 3 chunks/);
  r = await cli(['decode', png, '-o', path.join(dir, 'out.png'), '--max-pixels', '20000']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /over the limit of 20000 pixels/);
  r = await cli(['encode', 'samples/Martha_Burk_0001.png', '-o', path.join(dir, 'b.png'), '--max-file-bytes', '1000']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /over the limit of 1000 bytes/);
  r = await cli(['decode', png, '-o', path.join(dir, 'out.png'), '--max-file-bytes', String(size), '--max-chunks', '4', '--max-pixels', '22500']);
  assert.is(r.code, 0, r.stderr);
  r = await cli(['info', png, '--max-chunks', 'many']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--max-chunks must be a positive integer/);
  writeFileSync(path.join(dir, 'c.png'), new Uint8Array([...readFileSync(png), 0, 0]));
  r = await cli(['info', path.join(dir, 'c.png')]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /2 bytes after IEND/);
});

test.run();
