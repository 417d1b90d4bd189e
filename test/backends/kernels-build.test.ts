// The committed kernel modules and generated kernel sources are what the sources and host tables build
// to, and the backend picks its build by feature detection (expected value from a separate process
// compiling the committed relaxed build, not from the backend's own probe).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WasmBackend } from '../../host/backends/wasm/index.ts';

const root = path.join(import.meta.dirname, '../..');

test('generated kernel code (op-code enums, argument prologues, conv2d tiles) matches the host tables', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'kernels/gen/generate.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
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

/**
 * Whether this Node compiles the committed relaxed-SIMD kernel build, asked of a fresh process that
 * starts with V8's relaxed-SIMD flag (Node 20 keeps it behind the flag; later V8 ships it): the
 * expected build choice, independent of the backend's own probe.
 */
function engineCompilesRelaxedBuild(): boolean {
  const flags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
  const code = `new WebAssembly.Module(require('fs').readFileSync(${JSON.stringify(path.join(root, 'kernels/dist/kernels-relaxed-st.wasm'))})); console.log('ok')`;
  try {
    return execFileSync(process.execPath, [...flags, '-e', code], { stdio: 'pipe' }).toString().trim() === 'ok';
  } catch {
    return false;
  }
}

test('build choice: relaxed when asked and the engine compiles the relaxed build, plain otherwise; -st for one thread', async () => {
  const plain = await WasmBackend.create({ threads: 1, relaxed: false });
  assert.is(plain.build, 'simd-st');
  const expected = engineCompilesRelaxedBuild() ? 'relaxed' : 'simd';
  const relaxed = await WasmBackend.create({ threads: 2 });
  assert.is(relaxed.build, expected);
  const single = await WasmBackend.create({ threads: 1 });
  assert.is(single.build, `${expected}-st`);
  relaxed.dispose();
});

test.run();
