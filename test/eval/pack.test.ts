// The encoded-file pack that checkpoints slow codec runs: round trip across reopen, keys by setting
// and pixels, a record cut short by a killed run dropped and truncated away, a foreign file refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EncodedPack } from '../../bench/eval/pack.ts';
import type { Image } from '../../host/image/image.ts';

const chip = (seed: number): Image => ({ width: 4, height: 3, channels: 3, data: Uint8Array.from({ length: 36 }, (_, i) => (i * 7 + seed) & 255) });
const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'facecodec-pack-')), 'sub', 'x.pack');

test('pack: files come back after reopening, keyed by setting and by the chip pixels', () => {
  const f = file();
  const p = new EncodedPack(f);
  p.put(1, chip(0), Uint8Array.of(1, 2, 3));
  p.put(15, chip(0), Uint8Array.of(4));
  p.put(1, chip(1), new Uint8Array(0));
  const q = new EncodedPack(f);
  assert.is(q.size, 3);
  assert.equal([...q.get(1, chip(0))!], [1, 2, 3]);
  assert.equal([...q.get(15, chip(0))!], [4]);
  assert.equal([...q.get(1, chip(1))!], []);
  assert.is(q.get(50, chip(0)), undefined);
  assert.is(q.get(1, chip(2)), undefined);
  assert.is(q.get(1, { ...chip(0), width: 3, height: 4 }), undefined); // same pixels, other shape
  assert.equal(q.all().map((b) => [...b]), [[1, 2, 3], [4], []]); // every file, in the order written
});

test('pack: a record cut short is dropped and truncated, and appending goes on after it', () => {
  const f = file();
  const p = new EncodedPack(f);
  p.put(1, chip(0), Uint8Array.of(9, 9));
  const whole = statSync(f).size;
  appendFileSync(f, Uint8Array.of(1, 0, 0, 0, 5, 5)); // a killed writer's partial record head
  const q = new EncodedPack(f);
  assert.is(statSync(f).size, whole);
  assert.is(q.size, 1);
  q.put(15, chip(3), Uint8Array.of(7));
  assert.equal([...new EncodedPack(f).get(15, chip(3))!], [7]);
});

test('pack: a file that is not a pack is refused with a clear error', () => {
  const f = file();
  new EncodedPack(f).put(1, chip(0), Uint8Array.of(1));
  writeFileSync(f, 'not a pack at all');
  assert.throws(() => new EncodedPack(f), /not an encoded pack/);
});

test("pack: records() and putKey() carry one pack's files into another by chip key (bench/repack-header.ts)", () => {
  const a = new EncodedPack(file());
  a.put(21, chip(0), Uint8Array.of(9, 8));
  a.put(21.5, chip(1), Uint8Array.of(7));
  const b = new EncodedPack(file());
  for (const [setting, key, bytes] of a.records()) b.putKey(setting, key, Uint8Array.from(bytes, (v) => v + 1));
  const c = new EncodedPack(b.file);
  assert.equal([...c.get(21, chip(0))!], [10, 9]);
  assert.equal([...c.get(21.5, chip(1))!], [8]);
  assert.throws(() => b.putKey(1, 'abcd', Uint8Array.of(1)), /8 bytes/);
});

test.run();
