// Generates the AssemblyScript that depends on host-side tables, so the two sides cannot disagree:
//   kernels/codes.ts        the op codes of host/ops/codes.ts as enums
//   kernels/conv2d_tiles.ts the register-tiled conv2d micro-kernels (conv2d-tiles.mjs)
//   every kernel's prologue (the `// @args` block reading its argument slots into named locals) in
//   kernels/*.ts, from the signature table host/backends/wasm/signatures.ts
// and checks that the table and the kernel exports match one to one. The host tables are TypeScript,
// so this runs under tsx:  node --import tsx kernels/gen/generate.mjs [--check]
// (npm run build:kernels runs it). --check writes nothing and fails if a file is out of date.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codesModule, withPrologues } from './prologue.mjs';
import { tilesSource } from './conv2d-tiles.mjs';

const kernels = path.join(import.meta.dirname, '..');
const { WASM_KERNELS } = await import('../../host/backends/wasm/signatures.ts');
const CODES = await import('../../host/ops/codes.ts');
const check = process.argv.includes('--check');

const files = new Map([
  ['codes.ts', codesModule(Object.fromEntries(Object.entries(CODES).filter(([, v]) => typeof v === 'object')))],
  ['conv2d_tiles.ts', tilesSource(WASM_KERNELS)],
]);
const found = [];
for (const f of readdirSync(kernels).filter((f) => f.endsWith('.ts')).sort()) {
  const source = files.get(f) ?? readFileSync(path.join(kernels, f), 'utf8');
  const r = withPrologues(source, WASM_KERNELS, `kernels/${f}`);
  found.push(...r.found);
  if (!files.has(f)) files.set(f, r.text);
}
const missing = Object.keys(WASM_KERNELS).filter((k) => !found.includes(k));
if (missing.length) throw new Error(`kernels without a function in kernels/*.ts: ${missing.join(', ')}`);
const twice = found.filter((k, i) => found.indexOf(k) !== i);
if (twice.length) throw new Error(`kernels defined twice: ${twice.join(', ')}`);

const stale = [];
for (const [f, text] of files) {
  const file = path.join(kernels, f);
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {}
  if (old === text) continue;
  stale.push(`kernels/${f}`);
  if (!check) writeFileSync(file, text);
}
if (check && stale.length) {
  console.error(`out of date (run npm run build:kernels): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(check ? 'kernels/: generated code up to date' : `kernels/: ${stale.length ? `wrote ${stale.join(', ')}` : 'generated code up to date'}`);
