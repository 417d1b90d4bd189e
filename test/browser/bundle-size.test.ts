// The browser runtime stays small enough for constrained runtimes, and the demo page's sample list
// matches the bundled samples.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { measureBundle, RUNTIME_BUDGET_GZ } from '../../scripts/bundle-size.ts';
import { ensureBrowserBundle, ROOT } from './helpers.ts';

test('bundle + one kernel build: at most 150 KB gzipped (weights excluded)', () => {
  ensureBrowserBundle();
  const { rows, runtimeGzip } = measureBundle(ROOT);
  const js = rows.find((r) => r.what === 'dist/browser/facecodec.js')!;
  assert.ok(js.gzip > 10_000, `the bundle holds the runtime (${js.gzip} bytes gzipped)`);
  assert.is(rows.filter((r) => r.what.endsWith('.wasm')).length, 4);
  assert.ok(runtimeGzip <= RUNTIME_BUDGET_GZ, `runtime ${runtimeGzip} bytes gzipped, budget ${RUNTIME_BUDGET_GZ}`);
});

test('web/samples.json lists exactly the bundled samples', () => {
  const listed = JSON.parse(readFileSync(path.join(ROOT, 'web/samples.json'), 'utf8'));
  const present = readdirSync(path.join(ROOT, 'samples')).filter((f) => f.endsWith('.png')).sort();
  assert.equal(listed, present);
});

test.run();
