// facecodec batch on one machine: outputs equal the library's, folder/glob/list inputs, failures file,
// resumption after SIGKILL with no half-written output, decode and embed outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCodec, loadRecognizer, decodeImage, encodePng } from '../../host/node.ts';
import { globRegex } from '../../host/batch/inputs.ts';
import { TMP_MARK } from '../../host/batch/outputs.ts';
import { cli, listFiles, makeChips, startCli, tempDir, until, ROOT } from './helpers.ts';

const dir = tempDir('batch');
const input = path.join(dir, 'in');
const rels = makeChips(input, 24);
mkdirSync(path.join(input, 'bad'));
writeFileSync(path.join(input, 'bad/text.png'), 'not an image\n');
writeFileSync(path.join(input, 'bad/cut.png'), readFileSync(path.join(input, rels[0])).subarray(0, 200));
const codes = new Map<string, Uint8Array>();

test('batch encode: a folder tree -> mirrored .png codes equal to codec.encode; bad files in failures.tsv', async () => {
  const out = path.join(dir, 'enc');
  const r = await cli(['batch', 'encode', input, '-o', out, '--threads', '2', '--chunk', '5', '-q', '40']);
  assert.is(r.code, 3, r.stderr); // 3: finished, with failures
  assert.match(r.stdout, /26 files: 24 done, 0 skipped \(done before\), 2 failed; \d+ bytes in, \d+ bytes out, mean 0\.\d+ bpp/);
  const failures = readFileSync(path.join(out, 'failures.tsv'), 'utf8');
  assert.is(failures, 'bad/cut.png\tcorrupt PNG: ' + failures.split('corrupt PNG: ')[1].split('\n')[0] + '\nbad/text.png\tnot a PNG or JPEG file\n');
  assert.equal(listFiles(out), [...rels, 'failures.tsv'].sort());
  const codec = await loadCodec({ quality: 40 });
  for (const rel of rels) {
    const bytes = new Uint8Array(readFileSync(path.join(out, rel)));
    assert.ok(Buffer.from(bytes).equals(Buffer.from(await codec.encode(decodeImage(readFileSync(path.join(input, rel)))))), rel);
    codes.set(rel, bytes);
  }
  codec.dispose();
});

test('batch resumes: killed with SIGKILL mid-run, no output is half-written, the rerun does only the rest', async () => {
  // 60 chips, so that the kill (after the 3rd output, polled every 50 ms) lands well before the end
  // even on a quiet machine (12 chips could all finish between two polls).
  const many = path.join(dir, 'many');
  const names = makeChips(many, 120).filter((f) => f.startsWith('even/')).map((f) => f.slice(5)).sort();
  const out = path.join(dir, 'resume');
  const args = ['batch', 'encode', path.join(many, 'even'), '-o', out, '--threads', '1', '-q', '40'];
  const run = startCli([...args, '--chunk', '2']);
  await until(() => existsSync(out) && listFiles(out).filter((f) => !f.includes(TMP_MARK)).length >= 3, 60_000, 'the first outputs');
  run.child.kill('SIGKILL');
  await run.done;
  const before = listFiles(out).filter((f) => !f.includes(TMP_MARK));
  assert.ok(before.length < names.length, `killed too late: ${before.length} outputs`);
  const codec = await loadCodec({ quality: 40 });
  const expected = async (f: string) => Buffer.from(await codec.encode(decodeImage(readFileSync(path.join(many, 'even', f)))));
  for (const f of before) assert.ok(Buffer.from(readFileSync(path.join(out, f))).equals(await expected(f)), f);
  writeFileSync(path.join(out, `.x.png${TMP_MARK}host-1-ab`), 'partial'); // as a kill between write and rename leaves
  const r = await cli(args);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${names.length} files: ${names.length - before.length} done, ${before.length} skipped`));
  assert.equal(listFiles(out), names);
  for (const f of names) assert.ok(Buffer.from(readFileSync(path.join(out, f))).equals(await expected(f)), f);
  codec.dispose();
});

test('inputs: a glob and a list file give the same relative paths; two inputs for one output are refused', async () => {
  const list = path.join(dir, 'list.txt');
  writeFileSync(list, `# some chips\nin/${rels[1]}\nin/${rels[3]}\n${path.join(input, rels[5])}\n`);
  const r1 = await cli(['batch', 'encode', list, '-o', path.join(dir, 'list-out'), '-q', '40', '--threads', '1']);
  assert.is(r1.code, 0, r1.stderr);
  assert.equal(listFiles(path.join(dir, 'list-out')), [rels[1], rels[3], rels[5]].map((f) => f.slice(4)).sort());
  const r2 = await cli(['batch', 'encode', path.join(input, '**/*_000?.png'), '-o', path.join(dir, 'glob-out'), '-q', '40', '--threads', '1']);
  assert.is(r2.code, 0, r2.stderr);
  assert.equal(listFiles(path.join(dir, 'glob-out')), rels.filter((f) => /_000\d\.png$/.test(f)).sort());
  assert.ok(Buffer.from(readFileSync(path.join(dir, 'glob-out', rels[2]))).equals(Buffer.from(codes.get(rels[2])!)));
  assert.ok(globRegex('a/**/b*.png').test('a/b1.png') && globRegex('a/**/b*.png').test('a/x/y/b1.png') && !globRegex('a/*.png').test('a/x/b.png'));
  const twins = path.join(dir, 'twins');
  mkdirSync(twins);
  writeFileSync(path.join(twins, 'f.png'), readFileSync(path.join(input, rels[0])));
  writeFileSync(path.join(twins, 'f.jpg'), readFileSync(path.join(ROOT, 'samples/Martha_Burk_0001.png')));
  const r3 = await cli(['batch', 'encode', twins, '-o', path.join(dir, 'twins-out'), '--threads', '1']);
  assert.is(r3.code, 3);
  assert.match(readFileSync(path.join(dir, 'twins-out/failures.tsv'), 'utf8'), /^f\.png\tits output f\.png is also the output of f\.jpg\n$/);
});

test('batch decode restores as codec.decode; batch embed writes .f32 files and descriptors.jsonl / .f32 + .index', async () => {
  const codes3 = path.join(dir, 'enc/odd'), out = path.join(dir, 'dec');
  const r = await cli(['batch', 'decode', codes3, '-o', out, '--threads', '2', '--chunk', '4']);
  assert.is(r.code, 0, r.stderr);
  const codec = await loadCodec();
  const odd = rels.filter((f) => f.startsWith('odd/')).map((f) => f.slice(4)).sort();
  assert.equal(listFiles(out), odd);
  for (const f of odd.slice(0, 3)) assert.ok(Buffer.from(readFileSync(path.join(out, f))).equals(Buffer.from(encodePng(await codec.decode(codes.get(`odd/${f}`)!)))), f);
  codec.dispose();
  const emb = path.join(dir, 'emb');
  const e = await cli(['batch', 'embed', path.join(input, 'odd'), '-o', emb, '--threads', '2', '--chunk', '4']);
  assert.is(e.code, 0, e.stderr);
  const lines = readFileSync(path.join(emb, 'descriptors.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.map((l) => l.file), odd);
  const rec = await loadRecognizer();
  const d0 = await rec.embed(decodeImage(readFileSync(path.join(input, 'odd', odd[0]))));
  assert.equal(lines[0].descriptor, Array.from(d0));
  const e2 = await cli(['batch', 'embed', path.join(input, 'odd'), '-o', emb, '--format', 'bin']);
  assert.is(e2.code, 0, e2.stderr);
  assert.match(e2.stdout, /12 skipped/);
  const bin = readFileSync(path.join(emb, 'descriptors.f32'));
  assert.equal(readFileSync(path.join(emb, 'descriptors.index'), 'utf8'), odd.map((f) => f + '\n').join(''));
  assert.equal(Array.from(new Float32Array(bin.buffer, bin.byteOffset, 128)), Array.from(d0));
  rec.dispose();
});

test('batch usage errors and --align on a photo without a face', async () => {
  let r = await cli(['batch', 'squash', input, '-o', dir]);
  assert.is(r.code, 2);
  r = await cli(['batch', 'encode', path.join(dir, 'nowhere'), '-o', dir]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /nowhere: no such file or folder/);
  const photos = path.join(dir, 'photos');
  mkdirSync(photos);
  writeFileSync(path.join(photos, 'flat.png'), encodePng({ data: new Uint8Array(250 * 250 * 3).fill(128), width: 250, height: 250, channels: 3 }));
  r = await cli(['batch', 'encode', photos, '-o', path.join(dir, 'photos-out'), '--align']);
  assert.is(r.code, 3);
  assert.match(readFileSync(path.join(dir, 'photos-out/failures.tsv'), 'utf8'), /^flat\.png\tno face found: /);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
