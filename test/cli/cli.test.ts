import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { close } from '../helpers.ts';

const root = path.join(import.meta.dirname, '../..');
const oracle = JSON.parse(readFileSync(path.join(root, 'test/fixtures/recognizer-oracle.json'), 'utf8'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(root, 'bench/cli.ts'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

test('embed --json prints one descriptor object per line, matching the oracle', async () => {
  const files = ['samples/Paul_Tagliabue_0001.png', 'samples/Paul_Tagliabue_0002.png'];
  const r = await cli(['embed', '--json', ...files]);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, 2);
  assert.is(lines[0].file, files[0]);
  assert.is(lines[0].descriptor.length, 128);
  close(lines[1].descriptor, oracle.samples['Paul_Tagliabue_0002.png'], 2e-4);
});

test('errors: corrupt file, missing file, unknown backend, bad usage', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-'));
  const bad = path.join(dir, 'bad.png');
  writeFileSync(bad, readFileSync(path.join(root, 'samples/Martha_Burk_0001.png')).subarray(0, 300));
  let r = await cli(['embed', bad]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /bad\.png: corrupt PNG/);
  r = await cli(['embed', path.join(dir, 'none.png')]);
  assert.match(r.stderr, /no such file/);
  r = await cli(['embed', '--backend', 'cuda', 'samples/Martha_Burk_0001.png']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /backend "cuda" is not available/);
  r = await cli(['embed', '--frobnicate']);
  assert.is(r.code, 2);
  r = await cli(['fly']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /unknown command "fly"/);
});

test('demo (npm start) encodes, decodes and compares every sample at several qualities', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'fc-demo-'));
  const r = await cli(['demo', '--out', out, '--qualities', '10,80']);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^\S+\.png\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(same|different)/.test(l));
  assert.is(rows.length, 6 * 2, r.stdout);
  // Quality 80 spends more bytes than quality 10 on the same face.
  const bytes = (l: string) => Number(l.split(/\s+/)[2]);
  assert.ok(bytes(rows[1]) > bytes(rows[0]));
  const files = readdirSync(out);
  assert.ok(files.includes('Martha_Burk_0001.q10.png') && files.includes('Martha_Burk_0001.q10.restored.png'), files.join(' '));
});

test('encode --model, decode and compare restore with the model named in the file; info names it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-cli-'));
  const file = path.join(dir, 'a.png');
  let r = await cli(['encode', 'samples/Martha_Burk_0001.png', '-q', '20', '--model', 'v1', '-o', file]);
  assert.is(r.code, 0, r.stderr);
  r = await cli(['info', '--json', file]);
  assert.is(JSON.parse(r.stdout).model, 'v1 (#1)');
  assert.match(JSON.parse(r.stdout).code, /layout rgb/);
  assert.is(JSON.parse(r.stdout).residual, 'none');
  r = await cli(['decode', file, '-o', path.join(dir, 'a.restored.png')]);
  assert.is(r.code, 0, r.stderr);
  r = await cli(['compare', '--json', file, 'samples/Martha_Burk_0001.png']);
  assert.is(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).same, r.stdout);
  r = await cli(['encode', 'samples/Martha_Burk_0001.png', '--model', 'v9', '-o', file]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--model must be one of/);
  r = await cli(['encode', 'samples/Martha_Burk_0001.png', '-q', '100', '-o', file]);
  assert.is(r.code, 0, r.stderr);
  r = await cli(['info', '--json', file]);
  assert.match(JSON.parse(r.stdout).residual, /^fcRs, \d+ bytes: luma step 7, chroma step 5.25 at half resolution/);
  assert.is(JSON.parse(r.stdout).quality, 100);
  assert.match(JSON.parse(r.stdout).code, /at quality 70,/);
  assert.is(JSON.parse(r.stdout).chroma, undefined);
  // The default model (v7) at quality 1: its pooled tier, the code's 2x2 means.
  r = await cli(['encode', 'samples/Martha_Burk_0001.png', '-q', '1', '-o', file]);
  assert.is(r.code, 0, r.stderr);
  r = await cli(['info', '--json', file]);
  assert.match(JSON.parse(r.stdout).code, /stored pooled 2x2 \(19x19x3\) at quality 1,/);
  assert.is(JSON.parse(r.stdout).chroma, undefined);
  // v6 there: the luma plane alone, with the original's chroma cells.
  r = await cli(['encode', 'samples/Martha_Burk_0001.png', '-q', '1', '--model', 'v6', '-o', file]);
  assert.is(r.code, 0, r.stderr);
  r = await cli(['info', '--json', file]);
  assert.match(JSON.parse(r.stdout).code, /x1 \(luma plane only\) at quality 1,/);
  assert.is(JSON.parse(r.stdout).chroma, '3x3 cells of mean Cb, Cr');
});

test.run();
