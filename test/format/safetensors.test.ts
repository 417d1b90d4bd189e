import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { FormatError, parseSafetensors, writeSafetensors, f16ToF32, f32ToF16 } from '../../host/format/safetensors.ts';
import { throwsWith } from '../helpers.ts';
import { rng } from '../backends/harness.ts';

const enc = new TextEncoder();

/** A file from a raw header object and data bytes, as a foreign writer might produce it. */
function fileOf(header: unknown, data: Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const h = enc.encode(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const okHeader = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'U8', shape: [2, 2], data_offsets: [8, 12] } };

test('round trip, and the layout any safetensors reader expects', () => {
  const a = new Uint8Array(new Float32Array([1.5, -2]).buffer);
  const file = writeSafetensors([['a', { dtype: 'F32', shape: [2], bytes: a }], ['b', { dtype: 'U8', shape: [3], bytes: new Uint8Array([1, 2, 3]) }]], { note: 'hi' });
  const n = Number(new DataView(file.buffer).getBigUint64(0, true));
  assert.is((8 + n) % 8, 0, 'data region 8-byte aligned');
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
  assert.equal(header.a, { dtype: 'F32', shape: [2], data_offsets: [0, 8] });
  assert.equal(header.__metadata__, { note: 'hi' });
  const parsed = parseSafetensors(file);
  assert.equal(parsed.metadata, { note: 'hi' });
  assert.equal(Array.from(new Float32Array(parsed.tensors.get('a')!.bytes.slice().buffer)), [1.5, -2]);
  assert.equal(Array.from(parsed.tensors.get('b')!.bytes), [1, 2, 3]);
});

test('a well-formed foreign file parses', () => {
  const p = parseSafetensors(fileOf(okHeader, new Uint8Array(12)));
  assert.equal(p.tensors.get('b')!.shape, [2, 2]);
});

const cases: Array<[string, () => Uint8Array, RegExp]> = [
  ['shorter than 8 bytes', () => new Uint8Array(5), /too short/],
  ['header length past the end', () => fileOf(okHeader, new Uint8Array(12)).subarray(0, 30), /exceeds/],
  ['huge header length', () => { const f = fileOf(okHeader, new Uint8Array(12)); new DataView(f.buffer).setBigUint64(0, 1n << 60n, true); return f; }, /exceeds/],
  ['header not JSON', () => fileOf(null, new Uint8Array(0), '{"a": '), /not valid JSON/],
  ['header not an object', () => fileOf(null, new Uint8Array(0), '[1,2]'), /does not start with|not a JSON object/],
  ['unknown dtype', () => fileOf({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /unsupported dtype "F64"/],
  ['bad shape', () => fileOf({ a: { dtype: 'U8', shape: [-1], data_offsets: [0, 1] } }, new Uint8Array(1)), /shape/],
  ['offsets past the data', () => fileOf({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(2)), /past the 2 data bytes/],
  ['byte count mismatch', () => fileOf({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12/],
  ['overlapping tensors', () => fileOf({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [4], data_offsets: [2, 6] } }, new Uint8Array(6)), /overlap/],
  ['hole in the data', () => fileOf({ a: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, new Uint8Array(4)), /hole/],
  ['trailing bytes', () => fileOf({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(5)), /3 trailing bytes/],
  ['metadata value not a string', () => fileOf({ __metadata__: { graph: { x: 1 } } }, new Uint8Array(0)), /__metadata__.graph is not a string/],
  ['begin > end', () => fileOf({ a: { dtype: 'U8', shape: [0], data_offsets: [2, 0] } }, new Uint8Array(2)), /begin 2 > end 0/],
];
for (const [name, make, pattern] of cases) {
  test(`rejects: ${name}`, () => {
    throwsWith(() => parseSafetensors(make()), pattern);
    try {
      parseSafetensors(make());
    } catch (e) {
      assert.instance(e, FormatError);
    }
  });
}

test('every truncation of the recognizer file is a FormatError', () => {
  const file = readFileSync(new URL('../../weights/recognizer-dlib-r29.safetensors', import.meta.url));
  const n = Number(file.readBigUInt64LE(0));
  for (const len of [0, 7, 8, 9, 100, 8 + n - 1, 8 + n, 8 + n + 1, file.length - 1000, file.length - 1]) {
    try {
      parseSafetensors(new Uint8Array(file.buffer, file.byteOffset, len));
      assert.unreachable(`truncated to ${len} bytes was accepted`);
    } catch (e) {
      assert.instance(e, FormatError, `truncated to ${len}: ${(e as Error).message}`);
    }
  }
});

test('f16 decoding', () => {
  assert.is(f16ToF32(0x3c00), 1);
  assert.is(f16ToF32(0xc000), -2);
  assert.is(f16ToF32(0x7bff), 65504);
  assert.is(f16ToF32(0x0001), 2 ** -24);
  assert.is(f16ToF32(0x7c00), Infinity);
  assert.ok(Number.isNaN(f16ToF32(0x7e00)));
});

test('f16 encoding: every binary16 value round-trips, the rest round to nearest even', () => {
  for (let h = 0; h < 0x10000; h++) {
    const v = f16ToF32(h);
    if (Number.isNaN(v)) assert.ok(Number.isNaN(f16ToF32(f32ToF16(v))), `NaN ${h}`);
    else if (f32ToF16(v) !== h) assert.unreachable(`0x${h.toString(16)} -> ${v} -> 0x${f32ToF16(v).toString(16)}`);
  }
  assert.is(f32ToF16(1 + 2 ** -11), 0x3c00, 'a tie goes to the even neighbour below');
  assert.is(f32ToF16(1 + 3 * 2 ** -11), 0x3c02, 'a tie goes to the even neighbour above');
  assert.is(f32ToF16(1 + 2 ** -11 + 2 ** -20), 0x3c01, 'above the tie rounds up');
  assert.is(f32ToF16(65519), 0x7bff);
  assert.is(f32ToF16(65520), 0x7c00, 'overflow is infinity');
  assert.is(f32ToF16(-1e9), 0xfc00);
  assert.is(f32ToF16(2 ** -25), 0, 'half the smallest subnormal ties to zero');
  assert.is(f32ToF16(1.5 * 2 ** -25), 1);
  assert.is(f32ToF16(3 * 2 ** -25), 2, 'subnormal tie to even');
  assert.is(f32ToF16(1e-10), 0);
  assert.is(f32ToF16(-0), 0x8000);
  // Random floats land on the nearest binary16 value.
  const rand = rng(11);
  for (let i = 0; i < 2000; i++) {
    const v = (rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 28);
    const h = f32ToF16(v);
    const err = Math.abs(f16ToF32(h) - Math.fround(v));
    for (const n of [h - 1, h + 1]) if ((n & 0x7c00) !== 0x7c00 && (n & 0x8000) === (h & 0x8000)) assert.ok(err <= Math.abs(f16ToF32(n) - Math.fround(v)), `${v}`);
  }
});

test.run();
