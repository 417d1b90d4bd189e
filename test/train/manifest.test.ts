// Data rule: nothing the codec trained on is an LFW test image.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readList, trainingImages } from '../../host/train/data.ts';

const root = path.join(import.meta.dirname, '../..');
const testReferenced = path.join(root, '../shared/data/lfw-pairs/test-referenced.txt');

test('every committed training manifest is disjoint from test-referenced.txt', () => {
  const manifests = readdirSync(path.join(root, 'weights')).filter((f) => f.endsWith('-train-manifest.txt'));
  assert.ok(manifests.length >= 1, 'a training manifest is committed');
  const test = new Set(readList(testReferenced));
  assert.ok(test.size === 7701, `test-referenced.txt has ${test.size} images`);
  for (const m of manifests) {
    const used = readList(path.join(root, 'weights', m));
    const lfw = used.filter((f) => f.startsWith('lfw/')).map((f) => f.slice(4));
    assert.ok(lfw.length > 1000, `${m}: ${lfw.length} LFW images`);
    const leaked = lfw.filter((f) => test.has(f));
    assert.equal(leaked, [], `${m} contains LFW test images`);
  }
});

test('trainingImages refuses lists that name a test image', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-lists-'));
  const list = path.join(dir, 'list.txt'), tst = path.join(dir, 'test.txt');
  writeFileSync(list, 'A/A_0001.jpg\nB/B_0001.jpg\n');
  writeFileSync(tst, 'B/B_0001.jpg\n');
  assert.throws(() => trainingImages({ lfw: dir, lists: [list], testReferenced: tst, cacheDir: dir }), /LFW test images: refusing/);
  writeFileSync(tst, 'C/C_0001.jpg\n');
  assert.equal(trainingImages({ lfw: dir, lists: [list], testReferenced: tst, cacheDir: dir }), ['A/A_0001.jpg', 'B/B_0001.jpg']);
  assert.ok(readFileSync(list, 'utf8').length > 0);
});

test.run();
