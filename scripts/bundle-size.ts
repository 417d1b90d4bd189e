// Size of the browser runtime, gzipped (level 9), weights excluded: the bundle dist/browser/facecodec.js
// and the kernel builds in kernels/dist/. A page loads the bundle and exactly one kernel build (relaxed
// SIMD or plain SIMD, threaded or single-thread, chosen at run time). `npm run size [-- --json]`; run
// `npm run build` first.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const RUNTIME_BUDGET_GZ = 150 * 1024;
export const BUNDLE = 'dist/browser/facecodec.js';
export const KERNEL_BUILDS = ['simd', 'simd-st', 'relaxed', 'relaxed-st'] as const;

export interface SizeRow {
  what: string;
  bytes: number;
  gzip: number;
}

export function measureBundle(root = path.join(import.meta.dirname, '..')): { rows: SizeRow[]; runtimeGzip: number } {
  const file = (rel: string) => {
    let data: Buffer;
    try {
      data = readFileSync(path.join(root, rel));
    } catch {
      throw new Error(`${rel} is missing (run npm run build${rel.endsWith('.wasm') ? ':kernels' : ''})`);
    }
    return { what: rel, bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
  };
  const js = file(BUNDLE);
  const wasm = KERNEL_BUILDS.map((b) => file(`kernels/dist/kernels-${b}.wasm`));
  const sum = (what: string, parts: SizeRow[]) => ({ what, bytes: parts.reduce((s, r) => s + r.bytes, 0), gzip: parts.reduce((s, r) => s + r.gzip, 0) });
  const largest = wasm.reduce((a, b) => (b.gzip > a.gzip ? b : a));
  const runtime = sum(`runtime a page loads: bundle + one kernel build (largest, ${path.basename(largest.what)})`, [js, largest]);
  return {
    rows: [
      js,
      ...wasm,
      runtime,
      sum('everything shipped: bundle + all four kernel builds', [js, ...wasm]),
      sum('without the relaxed-SIMD builds: bundle + simd + simd-st', [js, ...wasm.filter((r) => !r.what.includes('relaxed'))]),
    ],
    runtimeGzip: runtime.gzip,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { rows, runtimeGzip } = measureBundle();
    if (process.argv.includes('--json')) console.log(JSON.stringify({ rows, runtimeGzip, budget: RUNTIME_BUDGET_GZ }));
    else {
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log('| file | bytes | gzip |\n|---|---|---|');
      for (const r of rows) console.log(`| ${r.what} | ${r.bytes.toLocaleString('en')} (${kb(r.bytes)}) | ${r.gzip.toLocaleString('en')} (${kb(r.gzip)}) |`);
      console.log(`\nruntime gzip ${kb(runtimeGzip)} of the ${kb(RUNTIME_BUDGET_GZ)} budget (weights not counted)`);
    }
    if (runtimeGzip > RUNTIME_BUDGET_GZ) process.exitCode = 1;
  } catch (e) {
    console.error(`bundle-size: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
