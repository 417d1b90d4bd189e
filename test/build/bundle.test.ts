// The esbuild browser bundle has no static Node imports and runs the recognizer from bytes. (The compiled
// Node library, lib/, is tested from the packed tarball in test/package/.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { goldenImage } from '../fixtures/golden-image.ts';
import { close } from '../helpers.ts';

const root = path.join(import.meta.dirname, '../..');
const oracle = JSON.parse(readFileSync(path.join(root, 'test/fixtures/recognizer-oracle.json'), 'utf8'));

test.before(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'browser'], { cwd: root, stdio: 'pipe' });
});

test('browser bundle: no static node: imports, embeds from weight bytes', async () => {
  const file = path.join(root, 'dist/browser/facecodec.js');
  const src = readFileSync(file, 'utf8');
  assert.not.match(src, /^import[^;]*from\s*["']node:/m);
  // (Node-only code may name node: modules inside strings, e.g. the wasm worker's source text; what
  // must not appear is a static import or esbuild's require shim for one.)
  assert.not.match(src, /__require\(["']node:/);
  const lib = await import(pathToFileURL(file).href);
  const rec = await lib.loadRecognizer({ weights: readFileSync(path.join(root, 'weights/recognizer-dlib-r29.safetensors')) });
  close(await rec.embed(goldenImage()), oracle.golden, 1e-4);
});

test.run();
