// Shrunk failing cases found by the fuzz tests, kept as plain regression tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PNG } from 'pngjs';
import { zlibSync } from 'fflate';
import { CodecError, readPng } from '../../host/codec/png.ts';
import { fileOf, ihdr } from './png-arb.ts';

const IEND = { type: 'IEND', data: new Uint8Array(0) };

test('readPng: 1x1 image whose data inflates to 1,000 bytes more than it needs is refused (was accepted)', () => {
  // fast-check, seed 20261202, "readPng valid/excess", against the reader before this fix.
  const raw = new Uint8Array(1002);
  raw[1] = 71;
  const bytes = fileOf([{ type: 'IHDR', data: ihdr(1, 1, 1, 0) }, { type: 'IDAT', data: zlibSync(raw, { level: 1 }) }, IEND]);
  assert.throws(() => readPng(bytes, { maxSamples: 100 }), (e: Error) => e instanceof CodecError && /inflates to more than the 2 bytes/.test(e.message));
  const exact = fileOf([{ type: 'IHDR', data: ihdr(1, 1, 1, 0) }, { type: 'IDAT', data: zlibSync(raw.subarray(0, 2), { level: 1 }) }, IEND]);
  assert.equal(Array.from(readPng(exact, { maxSamples: 100 }).image.samples), [0]);
});

test('readPng: bytes after IEND are refused (were accepted)', () => {
  const good = fileOf([{ type: 'IHDR', data: ihdr(1, 1, 8, 0) }, { type: 'IDAT', data: zlibSync(new Uint8Array([0, 9])) }, IEND]);
  assert.is(readPng(good, { maxSamples: 1 }).image.samples[0], 9);
  const padded = new Uint8Array([...good, 0]);
  assert.throws(() => readPng(padded, { maxSamples: 1 }), /1 bytes after IEND/);
});

test('readPng: an empty gAMA chunk (malformed ancillary) is skipped; pngjs refuses the file', () => {
  // fast-check, seed 99, "readPng" (long run): the differential check against pngjs threw, not our reader.
  const bytes = fileOf([{ type: 'IHDR', data: ihdr(1, 1, 1, 0) }, { type: 'gAMA', data: new Uint8Array(0) }, { type: 'IDAT', data: zlibSync(new Uint8Array([0, 71]), { level: 0 }) }, IEND]);
  assert.equal(Array.from(readPng(bytes, { maxSamples: 1 }).image.samples), [0]);
  assert.throws(() => PNG.sync.read(Buffer.from(bytes)));
});

test('readPng: a duplicated IDAT (data after the zlib stream, ending in a valid Adler-32) is refused (was accepted)', () => {
  // fast-check, seed 20261202, "decodePng mutated" (test/image/png.test.ts): fflate ignores input after
  // the stream's last block, and the checksum read from the end of the data was the copy's, so it matched.
  const idat = { type: 'IDAT', data: zlibSync(new Uint8Array([0, 9]), { level: 0 }) };
  const bytes = fileOf([{ type: 'IHDR', data: ihdr(1, 1, 8, 0) }, idat, idat, IEND]);
  assert.throws(() => readPng(bytes, { maxSamples: 1 }), (e: Error) => e instanceof CodecError && /\d+ bytes follow the zlib stream/.test(e.message));
});

test.run();
