// align and bench lfw through the command line, on a few LFW images (skipped without ../shared/data).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeImage } from '../../host/image/codecs.ts';

const root = path.join(import.meta.dirname, '../..');
const lfw = path.join(root, '../shared/data/lfw-deepfunneled');
const have = existsSync(path.join(lfw, 'Aaron_Peirsol/Aaron_Peirsol_0001.jpg'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/facecodec.js'), ...args], { cwd: root }, (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }));
  });
}

test('align writes 150x150 chips; bad usage exits 2', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-align-'));
  const r = await cli(['align', 'samples/Martha_Burk_0001.png', '-o', dir, '--box', '20,20,110,110', '--landmarks']);
  assert.is(r.code, 0, r.stderr);
  const chip = decodeImage(readFileSync(path.join(dir, 'Martha_Burk_0001.png')));
  assert.equal([chip.width, chip.height], [150, 150]);
  assert.is(JSON.parse(readFileSync(path.join(dir, 'Martha_Burk_0001.landmarks.json'), 'utf8')).length, 136);
  assert.is((await cli(['align', 'samples/Martha_Burk_0001.png'])).code, 2);
  assert.is((await cli(['align', 'samples/Martha_Burk_0001.png', '-o', dir, '--box', '1,2,3'])).code, 2);
  assert.is((await cli(['align', 'nope.png', '-o', dir])).code, 1);
});

test('bench lfw: rows as JSON, result files, cached rerun; usage errors', async () => {
  if (!have) return console.log('  (skipped: ../shared/data/lfw-deepfunneled not found)');
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-lfw-'));
  const pairs = path.join(dir, 'pairs.txt');
  writeFileSync(pairs, '2\t1\nAaron_Peirsol\t1\t2\nAaron_Peirsol\t1\tAaron_Sorkin\t1\nAaron_Peirsol\t3\t4\nAaron_Sorkin\t2\tAbba_Eban\t1\n');
  const args = ['bench', 'lfw', '--data', lfw, '--pairs', pairs, '--codec', 'jpeg', '--settings', '30', '--cache', path.join(dir, 'cache'), '--out', path.join(dir, 'out'), '--json', '--quiet'];
  const r = await cli(args);
  assert.is(r.code, 0, r.stderr);
  const row = JSON.parse(r.stdout.trim());
  assert.is(row.codec, 'jpeg');
  assert.is(row.pairs, 4);
  assert.is(row.images, 7);
  assert.ok(row.bpp > 0.2 && row.bpp < 3 && row.psnr > 20 && row.ssim > 0.5, JSON.stringify(row));
  for (const f of ['lfw.json', 'lfw.md', 'lfw-accuracy.svg', 'lfw-psnr.svg']) assert.ok(existsSync(path.join(dir, 'out', f)), f);
  const again = await cli(args);
  assert.equal(JSON.parse(again.stdout.trim()), row);
  // The second recognizer (FaceRes-deep, evaluation only) on the same chips: its own cache namespace and result files.
  const fr = await cli([...args.slice(0, 6), '--codec', 'none', ...args.slice(10), '--recognizer', 'faceres']);
  assert.is(fr.code, 0, fr.stderr);
  const frRow = JSON.parse(fr.stdout.trim());
  assert.equal([frRow.codec, frRow.pairs, frRow.images, frRow.bpp], ['none', 4, 7, 24]);
  for (const f of ['lfw-faceres.json', 'lfw-faceres.md', 'lfw-faceres-accuracy.svg']) assert.ok(existsSync(path.join(dir, 'out', f)), f);
  assert.match(readFileSync(path.join(dir, 'out', 'lfw-faceres.md'), 'utf8'), /^Scored by HSE FaceRes-deep .* on 4 pairs \(7 images\)/);
  assert.ok(readdirSync(path.join(dir, 'cache')).some((d) => /^results-faceres-deep-[0-9a-f]{8}$/.test(d)));
  assert.is((await cli(['bench', 'lfw', '--data', lfw, '--pairs', pairs, '--recognizer', 'vgg'])).code, 2);
  assert.is((await cli(['bench', 'lfw', '--data', lfw, '--pairs', pairs, '--codec', 'gif'])).code, 2);
  assert.is((await cli(['bench', 'lfw', '--data', lfw, '--pairs', pairs, '--folds', '1'])).code, 2);
  assert.is((await cli(['bench', 'lfw', '--data', lfw, '--pairs', path.join(dir, 'missing.txt')])).code, 1);
});

test.run();
