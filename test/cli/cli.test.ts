import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { close } from '../helpers.ts';

const root = path.join(import.meta.dirname, '../..');
const oracle = JSON.parse(readFileSync(path.join(root, 'test/fixtures/recognizer-oracle.json'), 'utf8'));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/facecodec.js'), ...args], { cwd: root }, (err, stdout, stderr) => {
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

test('demo (npm start) prints verdicts for the bundled samples', async () => {
  const r = await cli(['demo']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Paul_Tagliabue_0001\.png\s+Paul_Tagliabue_0002\.png\s+0\.\d+\s+same/);
  assert.match(r.stdout, /\d+\/15 verdicts match/);
});

test.run();
