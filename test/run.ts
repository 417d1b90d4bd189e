// Runs every test/**/*.test.ts in one uvu process and ends with the line CI reads: "N passed, N failed".
// Usage: npm test [-- <path-substring>...]
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from 'uvu/run';

const root = import.meta.dirname;
const filters = process.argv.slice(2);
const files: string[] = [];
(function walk(dir: string) {
  for (const f of readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (f.endsWith('.test.ts') && (filters.length === 0 || filters.some((s) => p.includes(s)))) files.push(p);
  }
})(root);

// uvu prints "Total/Passed/Skipped"; capture them to print the closing line.
let out = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

await run(files.map((file) => ({ name: path.relative(root, file), file })));
process.stdout.write = write;
const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? NaN);
const [total, passed, skipped] = [num('Total'), num('Passed'), num('Skipped')];
if (!Number.isFinite(total)) {
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
} else {
  const failed = total - passed; // uvu's Total counts the tests that ran, skipped ones not included
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (failed > 0 || files.length === 0) process.exitCode = 1;
}
