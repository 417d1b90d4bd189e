// The LFW bench machinery without the models: the cache's atomic writes and resume, bpp accounting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DiskCache, TMP_MARK } from '../../bench/eval/cache.ts';
import { LfwBench, CHIP } from '../../bench/eval/lfw.ts';
import { CODECS, type Codec } from '../../bench/eval/codecs.ts';
import type { Pair } from '../../bench/eval/pairs.ts';
import type { Image } from '../../host/image/image.ts';
import { psnr, ssim } from '../../bench/eval/quality.ts';
import { cosineDistance, type EvalRecognizer } from '../../bench/eval/recognizers.ts';
import { distance } from '../../host/models/recognizer.ts';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'facecodec-bench-'));

test('cache: a writer killed mid-run leaves only whole records; temp files are never read and are swept', async () => {
  const dir = tmp();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'cache-writer.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b) => String(b).includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  await new Promise((r) => setTimeout(r, 150));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const cache = new DiskCache(dir);
  const names = readdirSync(path.join(dir, 'r'));
  const whole = names.filter((n) => !n.includes(TMP_MARK));
  assert.ok(whole.length > 20, `${whole.length} records`);
  for (const n of whole) {
    const i = Number(n.slice(4));
    const r = cache.get(`r/${n}`)!;
    assert.ok(r && r.byteLength === 65536 && r.every((v) => v === (i & 255)), n);
  }
  // Keys are contiguous: every record up to the last written one is present (resume continues after it).
  const idx = whole.map((n) => Number(n.slice(4))).sort((a, b) => a - b);
  assert.is(idx[idx.length - 1], idx.length - 1);
  // A half-written temp file (as a kill during writeFileSync leaves) is ignored and swept.
  writeFileSync(path.join(dir, 'r', `key-999999${TMP_MARK}123-abc`), new Uint8Array(100));
  assert.is(cache.get('r/key-999999'), undefined);
  assert.ok(cache.sweep() >= 1);
  assert.not.ok(readdirSync(path.join(dir, 'r')).some((n) => n.includes(TMP_MARK)));
  // A torn record under the real name (bad length) is rejected, not returned.
  writeFileSync(path.join(dir, 'r', 'torn'), new Uint8Array([0x46, 0x43, 0x43, 0x31, 100, 0, 0, 0, 1, 2]));
  assert.is(cache.get('r/torn'), undefined);
  assert.throws(() => cache.put('../escape', new Uint8Array(1)), /bad cache key/);
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in recognizer: the descriptor is the chip's mean colour, padded; counts embedded images. */
function fakeRecognizer(cacheId = '', length = 128, dist: EvalRecognizer['distance'] = distance) {
  const r = {
    id: 'dlib' as const,
    cacheId,
    length,
    distance: dist,
    embedded: 0,
    async embedBatch(imgs: Image[]) {
      r.embedded += imgs.length;
      return imgs.map((img) => {
        const d = new Float32Array(length);
        for (let i = 0; i < img.data.length; i++) d[i % 3] += img.data[i] / (img.data.length / 3) / 255;
        return d;
      });
    },
  };
  return r;
}

function setup(nImages: number, rec = fakeRecognizer(), dir = tmp()) {
  const files = Array.from({ length: nImages }, (_, i) => `P${i >> 1}/P${i >> 1}_000${(i & 1) + 1}.jpg`);
  const bench = new LfwBench(dir, path.join(dir, 'cache'), {} as never, rec, {}, undefined, 4);
  // Aligned chips put straight into the cache: person k's two images share a colour.
  files.forEach((f, i) => {
    const c = (i >> 1) * 37;
    bench.cache.put(`chips/align-central-p1/${f}.rgb`, new Uint8Array(CHIP * CHIP * 3).map((_, j) => (c + (j % 3) * 50 + ((j >> 4) & 7)) & 255));
  });
  const pairs: Pair[] = [];
  for (let k = 0; k + 1 < nImages / 2; k++) {
    pairs.push({ a: files[2 * k], b: files[2 * k + 1], same: true, fold: k % 2 });
    pairs.push({ a: files[2 * k], b: files[2 * k + 2], same: false, fold: k % 2 });
  }
  return { dir, files, rec, bench, pairs };
}

test('bench resume: a run killed part-way redoes only the missing images; a finished rerun embeds nothing', async () => {
  const { dir, files, rec, bench, pairs } = setup(24);
  // A codec whose 11th encode dies, as a killed run would stop part-way through a setting.
  let calls = 0;
  const codec: Codec = {
    ...CODECS.none,
    id: 'flaky',
    async encode(img) {
      if (++calls === 11) throw new Error('killed');
      return new Uint8Array(500 + img.data[0]);
    },
    async decode() {
      return { data: new Uint8Array(CHIP * CHIP * 3), width: CHIP, height: CHIP, channels: 3 };
    },
  };
  await bench.runSetting(codec, 1, files, pairs).then(() => assert.unreachable('should have been killed'), (e) => assert.match(e.message, /killed/));
  const first = rec.embedded;
  assert.ok(first > 0 && first < 24, `embedded ${first} before the kill`);
  const row = await bench.runSetting(codec, 1, files, pairs);
  assert.is(rec.embedded, 24, 'each image embedded exactly once across the two runs');
  assert.is(row.images, 24);
  const again = await bench.runSetting(codec, 1, files, pairs);
  assert.is(rec.embedded, 24, 'finished work is not redone');
  assert.equal(again, row);
  rmSync(dir, { recursive: true, force: true });
});

test('bpp counts whole files: none is 24 bpp; a JPEG chip is charged its headers too', async () => {
  const { dir, files, bench, pairs } = setup(8);
  const none = await bench.runSetting(CODECS.none, 0, files, pairs);
  assert.is(none.bpp, 24);
  assert.is(none.psnr, null);
  // JPEG through sharp: the file is a complete JFIF stream (SOI ... EOI) and bpp is its full length.
  const chip = bench.chip(files[0])!;
  const file = await CODECS.jpeg.encode(chip, 50);
  assert.equal([file[0], file[1], file[file.length - 2], file[file.length - 1]], [0xff, 0xd8, 0xff, 0xd9]);
  const row = await bench.runSetting(CODECS.jpeg, 50, files, pairs);
  let bytes = 0;
  for (const f of files) bytes += (await CODECS.jpeg.encode(bench.chip(f)!, 50)).byteLength;
  assert.is(row.bpp, (bytes * 8) / (150 * 150) / files.length);
  // These flat-ish chips compress to little more than the headers: > 300 bytes each (tables, SOF, SOS).
  assert.ok(row.bpp > (300 * 8) / 22500, `bpp ${row.bpp}`);
  assert.ok(row.psnr! > 25 && row.ssim! > 0.5 && row.ssim! <= 1);
  rmSync(dir, { recursive: true, force: true });
});

test('a second recognizer keeps its own results: dlib and faceres-style records never collide', async () => {
  const dlib = setup(12);
  const other = fakeRecognizer('faceres-deep-0123abcd', 1024, cosineDistance);
  const second = setup(12, other, dlib.dir); // same cache folder, same chips
  const rowDlib = await dlib.bench.runSetting(CODECS.none, 0, dlib.files, dlib.pairs);
  const rowOther = await second.bench.runSetting(CODECS.none, 0, second.files, second.pairs);
  assert.is(other.embedded, 12, "dlib's cached results are not read as the other recognizer's");
  const root = path.join(dlib.dir, 'cache');
  assert.equal(readdirSync(root).sort(), ['chips', 'results', 'results-faceres-deep-0123abcd']);
  assert.is(dlib.bench.result('none', 0, dlib.files[0])!.length, 3 + 128);
  assert.is(second.bench.result('none', 0, second.files[0])!.length, 3 + 1024);
  assert.ok(rowDlib.auc > 0.5 && rowOther.auc > 0.5);
  await dlib.bench.runSetting(CODECS.none, 0, dlib.files, dlib.pairs);
  await second.bench.runSetting(CODECS.none, 0, second.files, second.pairs);
  assert.is(dlib.rec.embedded + other.embedded, 24, 'reruns read back their own records');
  rmSync(dlib.dir, { recursive: true, force: true });
});

test('PSNR and SSIM: identical images give Infinity and 1; known MSE gives known PSNR', () => {
  const a = { data: new Uint8Array(32 * 32 * 3).map((_, i) => (i * 7) & 255), width: 32, height: 32, channels: 3 };
  const b = { ...a, data: a.data.map((v) => (v < 250 ? v + 5 : v - 5)) };
  assert.is(psnr(a, a), Infinity);
  assert.ok(Math.abs(ssim(a, a) - 1) < 1e-12);
  assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10((255 * 255) / 25)) < 1e-9);
  assert.ok(ssim(a, b) < 1);
});

test.run();
