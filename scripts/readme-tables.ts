// Keeps the README's result tables equal to the results files they come from. A table in the README
// is marked by the comment line `<!-- table: bench/results/FILE.md#N -->` just above it (N: the N-th
// table of that file, from 1); this rewrites each marked table from its file (or, with --check, exits
// 1 naming the tables that differ). Run it after a benchmark writes bench/results/.
//   npm run readme:tables [-- --check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.join(import.meta.dirname, '..');
const MARK = /^<!-- table: (\S+?)#(\d+) -->$/;

/** The markdown tables of a text, each as its lines (a table: consecutive lines starting with '|'). */
export function tables(text: string): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) (cur ??= []).push(line);
    else if (cur) {
      out.push(cur);
      cur = undefined;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** The README with every marked table replaced from its source, and the names of those that changed. */
export function syncTables(readme: string, read: (file: string) => string): { text: string; changed: string[] } {
  const lines = readme.split('\n'), out: string[] = [], changed: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const m = MARK.exec(lines[i]);
    if (!m) continue;
    const source = tables(read(m[1]))[Number(m[2]) - 1];
    if (!source) throw new Error(`README line ${i + 1}: ${m[1]} has no table ${m[2]}`);
    let j = i + 1;
    while (j < lines.length && lines[j].startsWith('|')) j++;
    if (j === i + 1) throw new Error(`README line ${i + 1}: no table follows the marker`);
    if (lines.slice(i + 1, j).join('\n') !== source.join('\n')) changed.push(`${m[1]}#${m[2]}`);
    out.push(...source);
    i = j - 1;
  }
  return { text: out.join('\n'), changed };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = path.join(ROOT, 'README.md');
  const { text, changed } = syncTables(readFileSync(file, 'utf8'), (f) => readFileSync(path.join(ROOT, f), 'utf8'));
  if (process.argv.includes('--check')) {
    if (changed.length) console.log(`README tables out of date: ${changed.join(', ')} (run npm run readme:tables)`);
    process.exitCode = changed.length ? 1 : 0;
  } else {
    writeFileSync(file, text);
    console.log(changed.length ? `updated ${changed.join(', ')}` : 'README tables already up to date');
  }
}
