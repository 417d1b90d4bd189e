// The committed kernel modules and generated micro-kernels are what the sources build to, and the
// backend picks its build by feature detection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { hasRelaxedSimd } from '../../host/backends/wasm/module.ts';

const root = path.join(import.meta.dirname, '../..');

test('kernels/conv2d_tiles.ts matches its generator', () => {
  const tmp = path.join(mkdtempSync(path.join(tmpdir(), 'fc-gen-')), 'tiles.ts');
  execFileSync(process.execPath, [path.join(root, 'kernels/gen/conv2d-tiles.mjs'), tmp], { stdio: 'pipe' });
  assert.ok(readFileSync(tmp, 'utf8') === readFileSync(path.join(root, 'kernels/conv2d_tiles.ts'), 'utf8'), 'regenerate with npm run build:kernels');
});

test('kernels/dist/*.wasm are a fresh build of kernels/', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-wasm-'));
  execFileSync(process.execPath, [path.join(root, 'scripts/build-kernels.mjs'), dir], { stdio: 'pipe', cwd: root });
  for (const b of ['simd', 'relaxed', 'simd-st', 'relaxed-st']) {
    const fresh = readFileSync(path.join(dir, `kernels-${b}.wasm`));
    const committed = readFileSync(path.join(root, `kernels/dist/kernels-${b}.wasm`));
    assert.ok(fresh.equals(committed), `kernels-${b}.wasm is stale: run npm run build:kernels`);
  }
});

test('build choice: relaxed when asked and available, plain otherwise; -st for one thread', async () => {
  const plain = await WasmBackend.create({ threads: 1, relaxed: false });
  assert.is(plain.build, 'simd-st');
  const relaxed = await WasmBackend.create({ threads: 2 });
  assert.is(relaxed.build, hasRelaxedSimd() ? 'relaxed' : 'simd'); // Node 20: switched on by V8 flag
  relaxed.dispose();
});

test.run();
