// The README's result tables are the results files' tables (each marked `<!-- table: FILE#N -->`).
// When the first test fails, `npm run readme:tables` rewrites them from bench/results/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { syncTables, tables } from '../../scripts/readme-tables.ts';

const root = new URL('../../', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, root), 'utf8');

test("README's marked tables equal their results files", () => {
  const readme = read('README.md');
  assert.ok((readme.match(/^<!-- table: /gm) ?? []).length >= 5, 'the LFW, Bjontegaard, ablation and FaceRes tables are marked');
  assert.equal(syncTables(readme, read).changed, [], 'README tables drifted from bench/results: run npm run readme:tables');
});

test('a stale table is rewritten from its source and named; a marker without a table is an error', () => {
  const src = 'intro\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\ntext\n\n| c |\n|---|\n| 3 |\n';
  assert.equal(tables(src).map((t) => t.length), [3, 3]);
  const readme = 'x\n<!-- table: r.md#2 -->\n| c |\n|---|\n| old |\n\nafter\n';
  const { text, changed } = syncTables(readme, () => src);
  assert.equal(changed, ['r.md#2']);
  assert.is(text, 'x\n<!-- table: r.md#2 -->\n| c |\n|---|\n| 3 |\n\nafter\n');
  assert.equal(syncTables(text, () => src).changed, []);
  assert.throws(() => syncTables('<!-- table: r.md#1 -->\ntext\n', () => src), /no table follows/);
  assert.throws(() => syncTables('<!-- table: r.md#3 -->\n| a |\n', () => src), /has no table 3/);
});

test.run();
