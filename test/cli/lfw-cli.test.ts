// align and bench lfw through the command line. bench lfw runs for real on a tiny LFW-style data set
// the test builds from the bundled sample chips (3 people x 2 images as JPEG, 3 same and 3 different
// pairs), so it needs no ../shared/data and cannot pass by skipping.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeImage, encodePng } from '../../host/image/codecs.ts';
import { SCENES, renderScene } from '../fixtures/detector-scenes.ts';

const root = path.join(import.meta.dirname, '../..');

/** DIR/Name/Name_000k.jpg from samples/Name_000k.png (JPEG quality 95), and a View 1 style pairs file. */
function tinyLfw(dir: string): { data: string; pairs: string } {
  const data = path.join(dir, 'lfw');
  for (const f of readdirSync(path.join(root, 'samples')).filter((f) => f.endsWith('.png'))) {
    const name = f.replace(/_\d{4}\.png$/, '');
    const img = decodeImage(readFileSync(path.join(root, 'samples', f)));
    mkdirSync(path.join(data, name), { recursive: true });
    writeFileSync(path.join(data, name, f.replace('.png', '.jpg')), jpeg.encode({ data: img.data as Uint8Array, width: img.width, height: img.height }, 95).data);
  }
  const pairs = path.join(dir, 'pairs.txt');
  writeFileSync(pairs, '3\nGeorge_Clooney\t1\t2\nMartha_Burk\t1\t2\nPaul_Tagliabue\t1\t2\nGeorge_Clooney\t1\tMartha_Burk\t1\nMartha_Burk\t2\tPaul_Tagliabue\t1\nPaul_Tagliabue\t2\tGeorge_Clooney\t2\n');
  return { data, pairs };
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(root, 'bench/cli.ts'), ...args], { cwd: root }, (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }));
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

test('align finds every face, largest first; encode takes the largest face of a photo; no face is an error', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-detect-'));
  for (const s of SCENES) writeFileSync(path.join(dir, `${s.name}.png`), encodePng(renderScene(s)));
  let r = await cli(['align', path.join(dir, 'two-faces.png'), path.join(dir, 'tilted.png'), '-o', path.join(dir, 'chips')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /two-faces.png: 2 faces -> .*two-faces.png, .*two-faces-2.png/);
  assert.match(r.stdout, /tilted.png: 1 face -> /);
  const big = decodeImage(readFileSync(path.join(dir, 'chips/two-faces.png')));
  assert.equal([big.width, big.height], [150, 150]);
  // An image without a face: the clear message, exit 1, the other images still aligned.
  r = await cli(['align', path.join(dir, 'empty.png'), path.join(dir, 'border.png'), '-o', path.join(dir, 'chips')]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /empty.png: no face found \(give --box x,y,w,h, or --central/);
  assert.ok(existsSync(path.join(dir, 'chips/border.png')));
  assert.is((await cli(['align', path.join(dir, 'empty.png'), '-o', dir, '--box', '1,1,9,9', '--central'])).code, 2);
  // encode: the largest face of a photo, said on stderr; a 150x150 chip as it is; --whole for the old behaviour.
  r = await cli(['encode', path.join(dir, 'two-faces.png'), '-o', path.join(dir, 'a.fc.png')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /encoding the largest of 2 faces found/);
  assert.match(r.stdout, /\(150x150, quality 50\)/);
  r = await cli(['encode', path.join(dir, 'empty.png'), '-o', path.join(dir, 'b.fc.png')]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no face found in this 200x150 photo/);
  assert.not.ok(existsSync(path.join(dir, 'b.fc.png')));
  r = await cli(['encode', path.join(dir, 'empty.png'), '--whole', '-o', path.join(dir, 'b.fc.png')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /\(200x150, quality 50\)/);
});

test('bench lfw: rows as JSON, result files, cached rerun; usage errors', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-lfw-'));
  const { data, pairs } = tinyLfw(dir);
  const args = ['bench', 'lfw', '--data', data, '--pairs', pairs, '--codec', 'jpeg', '--settings', '30', '--box', '25,25,100,100', '--cache', path.join(dir, 'cache'), '--out', path.join(dir, 'out'), '--json', '--quiet'];
  const r = await cli(args);
  assert.is(r.code, 0, r.stderr);
  const row = JSON.parse(r.stdout.trim());
  assert.is(row.codec, 'jpeg');
  assert.is(row.pairs, 6);
  assert.is(row.images, 6);
  assert.ok(row.bpp > 0.2 && row.bpp < 3 && row.psnr > 20 && row.ssim > 0.5, JSON.stringify(row));
  for (const f of ['lfw.json', 'lfw.md', 'lfw-accuracy.svg', 'lfw-psnr.svg']) assert.ok(existsSync(path.join(dir, 'out', f)), f);
  const again = await cli(args);
  assert.equal(JSON.parse(again.stdout.trim()), row);
  assert.is((await cli(['bench', 'lfw', '--data', data, '--pairs', pairs, '--codec', 'gif'])).code, 2);
  assert.is((await cli(['bench', 'lfw', '--data', data, '--pairs', pairs, '--folds', '1'])).code, 2);
  assert.is((await cli(['bench', 'lfw', '--data', data, '--pairs', path.join(dir, 'missing.txt')])).code, 1);
  assert.is((await cli(['bench', 'lfw', '--data', path.join(dir, 'nowhere'), '--pairs', pairs, '--codec', 'jpeg', '--settings', '30', '--cache', path.join(dir, 'c2')])).code, 1);
});

test.run();
