// Data rule: nothing the codec trained on is an LFW test image. Every line of every committed
// weights/*-train-manifest.txt is checked: an LFW chip (lfw/Name/Name_NNNN.jpg) that test-referenced.txt
// does not list and train-unreferenced.txt does, or a CelebA crop (celeba/NNNNNN.jpg); anything else
// (a test image, a malformed or unknown line) fails. Without ../shared/data the check skips with a
// message, except in CI (CI=true), which always has it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readList, trainingImages } from '../../host/train/data.ts';

const root = path.join(import.meta.dirname, '../..');
const pairsDir = path.join(root, '../shared/data/lfw-pairs');
const testReferenced = path.join(pairsDir, 'test-referenced.txt');

/** What is wrong with a manifest's lines (empty when every line is allowed). */
function manifestProblems(lines: string[], testSet: Set<string>, trainSet: Set<string>): string[] {
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (line === '' && i === lines.length - 1) return; // the final newline
    const lfw = /^lfw\/([^/]+)\/\1_\d{4}\.jpg$/.exec(line);
    if (lfw) {
      const f = line.slice(4);
      if (testSet.has(f)) problems.push(`line ${i + 1}: ${line} is an LFW test image`);
      else if (!trainSet.has(f)) problems.push(`line ${i + 1}: ${line} is not in train-unreferenced.txt`);
    } else if (!/^celeba\/\d{6}\.jpg$/.test(line)) problems.push(`line ${i + 1}: ${JSON.stringify(line)} is neither an LFW chip nor a CelebA crop`);
  });
  return problems;
}

test('every line of every committed training manifest is an allowed image (none is an LFW test image)', () => {
  if (!existsSync(testReferenced)) {
    if (process.env.CI === 'true') assert.unreachable(`${testReferenced} is missing in CI (CI=true), which always has ../shared/data`);
    console.log(`\n  skipping the training-manifest check: ${testReferenced} not found (../shared/data absent)`);
    return;
  }
  // Shipped models' manifests and those of candidates (weights/candidates/) alike.
  const manifests = readdirSync(path.join(root, 'weights'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('-train-manifest.txt'));
  assert.ok(manifests.length >= 1, 'a training manifest is committed');
  const testSet = new Set(readList(testReferenced));
  assert.is(testSet.size, 7701, 'test-referenced.txt lists the 7,701 View 2 images');
  const trainSet = new Set(readList(path.join(pairsDir, 'train-unreferenced.txt')));
  for (const m of manifests) {
    const lines = readFileSync(path.join(root, 'weights', m), 'utf8').split('\n');
    assert.ok(lines.filter((l) => l.startsWith('lfw/')).length > 1000, `${m}: over 1,000 LFW images`);
    assert.equal(manifestProblems(lines, testSet, trainSet), [], m);
  }
});

test('the manifest check catches a test image, an unlisted image and a malformed line', () => {
  const testSet = new Set(['B/B_0001.jpg']), trainSet = new Set(['A/A_0001.jpg']);
  const lines = ['lfw/A/A_0001.jpg', 'lfw/B/B_0001.jpg', 'lfw/C/C_0001.jpg', 'celeba/000001.jpg', 'lfw/A/A_0001.png', ' lfw/A/A_0001.jpg', ''];
  assert.equal(manifestProblems(lines, testSet, trainSet), [
    'line 2: lfw/B/B_0001.jpg is an LFW test image',
    'line 3: lfw/C/C_0001.jpg is not in train-unreferenced.txt',
    'line 5: "lfw/A/A_0001.png" is neither an LFW chip nor a CelebA crop',
    'line 6: " lfw/A/A_0001.jpg" is neither an LFW chip nor a CelebA crop',
  ]);
});

test('trainingImages refuses lists that name a test image', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-lists-'));
  const list = path.join(dir, 'list.txt'), tst = path.join(dir, 'test.txt');
  writeFileSync(list, 'A/A_0001.jpg\nB/B_0001.jpg\n');
  writeFileSync(tst, 'B/B_0001.jpg\n');
  assert.throws(() => trainingImages({ lfw: dir, lists: [list], testReferenced: tst, cacheDir: dir }), /1 images in the training lists are LFW test images: refusing/);
  writeFileSync(tst, 'C/C_0001.jpg\n');
  assert.equal(trainingImages({ lfw: dir, lists: [list], testReferenced: tst, cacheDir: dir }), ['A/A_0001.jpg', 'B/B_0001.jpg']);
});

test.run();
