// Generates the AssemblyScript that derives from host tables (kernels/gen/generate.mjs: op-code enums,
// argument prologues from the signature table, the conv2d micro-kernels) and builds the four kernel
// modules (asconfig.json targets) into kernels/dist/. The generated sources and the .wasm files are
// committed so `npm install` needs no build; tests check that both match a fresh build.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const outDir = process.argv[2]; // optional: build the .wasm files elsewhere (the freshness test)
if (!outDir) execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'kernels/gen/generate.mjs')], { stdio: 'inherit', cwd: root });
const asc = path.join(path.dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')), 'bin/asc.js');
for (const target of ['simd', 'relaxed', 'simd-st', 'relaxed-st']) {
  const extra = outDir ? ['-o', path.join(outDir, `kernels-${target}.wasm`)] : [];
  execFileSync(process.execPath, [asc, '--config', 'asconfig.json', '--target', target, ...extra], { stdio: 'inherit', cwd: root });
}
