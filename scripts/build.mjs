// npm run build: what the package ships, built from host/.
//   lib/          tsc (tsconfig.build.json): ESM .js + .d.ts of the library
//                 (host/node.ts, host/index.ts) and the CLI (host/cli/main.ts); bin/facecodec.js runs it.
//   dist/browser/ esbuild: one minified ESM file, the browser-safe library (host/index.ts).
// Both sit one folder below the package root, as host/ does, so host/format/assets.ts's ../../ finds
// weights/ and kernels/dist/. `node scripts/build.mjs browser` builds only the browser bundle.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.join(import.meta.dirname, '..');
// wgsl/*.wgsl and the WebGPU signature table -> host/backends/webgpu/shaders.generated.ts (the table is TypeScript: tsx).
execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/gen-shaders.mjs')], { stdio: 'inherit', cwd: root });
const only = process.argv[2];

if (!only || only === 'lib') {
  rmSync(path.join(root, 'lib'), { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  // tsc rewrites "./x.ts" to "./x.js" in the .js files but leaves the .d.ts files' imports as written;
  // rewrite those too.
  for (const f of readdirSync(path.join(root, 'lib'), { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.d.ts')) continue;
    const file = path.join(root, 'lib', f);
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*["']\.{1,2}\/[^"']*)\.ts(["'])/g, '$1.js$2');
    if (fixed !== text) writeFileSync(file, fixed);
  }
  console.log('lib/: compiled library and CLI (tsc)');
}
if (!only || only === 'browser') {
  await build({
    entryPoints: { facecodec: 'host/index.ts' },
    outdir: 'dist/browser',
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'info',
    legalComments: 'none',
    platform: 'browser',
    minify: true,
    external: ['node:*', 'webgpu'],
  });
}
