// Every code block in the README's Install section is marked "<!-- test: NAME -->" and NAME is one the
// package tests run (helpers.snippet reads them by that marker), so no snippet goes untested.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, snippet } from './helpers.ts';

/** The snippets test/package/*.test.ts (and helpers.installed) run, by marker name. */
const TESTED = ['install.sh', 'cli.sh', 'consumer.mjs', 'runtimes.sh', 'consumer.ts', 'worker.js', 'worker.sh', 'workerd.capnp', 'page.js', 'page.sh'];

test('every code block of the Install section is a tested snippet', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Install\n');
  assert.ok(start >= 0, 'README has an Install section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/(?:<!-- test: (\S+) -->\n)?```\w*\n[\s\S]*?\n```\n/g)];
  assert.ok(blocks.length >= TESTED.length);
  for (const b of blocks) assert.ok(b[1], `untested code block in Install:\n${b[0].slice(0, 200)}`);
  assert.equal(blocks.map((b) => b[1]).sort(), [...TESTED].sort());
  for (const name of TESTED) assert.ok(snippet(name, readme).length > 0, name);
});

test.run();
