// Structure-aware arbitraries for PNG files: real chunks with recomputed CRCs, image data re-deflated
// by zlib with a valid checksum, IHDR fields drawn from valid and invalid values, and the mutations a
// damaged or hostile file has (inflated size off by a little or a lot, chunk order, dropped/duplicated
// chunks, lying lengths, bad CRCs, truncation, bytes after IEND).
import * as fc from 'fast-check';
import { zlibSync } from 'fflate';
import { crc32 } from '../../host/codec/png.ts';

export interface RawChunk {
  type: string;
  data: Uint8Array;
}

/** One chunk with its CRC; written here rather than borrowed from png.ts's writer, so a writer bug cannot hide a reader bug. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

export function ihdr(width: number, height: number, depth: number, color: number, methods = [0, 0, 0]): Uint8Array {
  const d = new Uint8Array(13);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  d.set([depth, color, ...methods], 8);
  return d;
}

/** Channels per pixel of each PNG colour type. */
export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

export interface PngSpec {
  width: number;
  height: number;
  depth: number;
  color: number;
  methods: number[];
  /** Filter-type byte and row bytes, as stored before deflate. */
  raw: Uint8Array;
  level: number;
  idatPieces: number;
  extra: RawChunk[];
  /** Bytes the raw data has beyond (+) or short of (-) what the image needs. */
  excess: number;
}

/** Bytes per row (without the filter byte). */
export const strideOf = (s: { width: number; depth: number; color: number }) => Math.ceil((s.width * s.depth * CHANNELS[s.color]) / 8);

/** A PNG spec; `colors` restricts the colour types (the codec reader only takes grayscale). */
export function pngSpec(colors = [0, 2, 3, 4, 6], maxSide = 24): fc.Arbitrary<PngSpec> {
  return fc
    .record({
      width: fc.integer({ min: 1, max: maxSide }),
      height: fc.integer({ min: 1, max: maxSide }),
      color: fc.constantFrom(...colors),
      depthPick: fc.nat(),
      methods: fc.oneof({ weight: 9, arbitrary: fc.constant<number[]>([0, 0, 0]) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }) }),
      filters: fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 255 }) }), { minLength: 1, maxLength: 8 }),
      seed: fc.integer(),
      level: fc.integer({ min: 0, max: 9 }),
      idatPieces: fc.integer({ min: 1, max: 3 }),
      excess: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: -8, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1000, max: 3_000_000 }) }),
      extra: fc.array(fc.record({ type: fc.constantFrom('tEXt', 'fcHd', 'zzZz', 'gAMA'), data: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 2 }),
    })
    .map((r) => {
      const depths = DEPTHS[r.color];
      const depth = depths[r.depthPick % depths.length];
      const stride = strideOf({ width: r.width, depth, color: r.color });
      const need = r.height * (stride + 1);
      const raw = new Uint8Array(Math.max(0, need + r.excess));
      let x = r.seed >>> 0;
      for (let i = 0; i < Math.min(raw.length, need); i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        raw[i] = i % (stride + 1) === 0 ? r.filters[(i / (stride + 1)) % r.filters.length] : x >>> 24;
      }
      return { width: r.width, height: r.height, depth, color: r.color, methods: r.methods, raw, level: r.level, idatPieces: r.idatPieces, extra: r.extra, excess: r.excess };
    });
}

/** The chunks of a spec in the standard order (IHDR, [PLTE], extra, IDAT..., IEND). */
export function chunksOf(s: PngSpec): RawChunk[] {
  const z = zlibSync(s.raw, { level: s.level as 0 });
  const pieces: RawChunk[] = [];
  const step = Math.ceil(z.length / s.idatPieces);
  for (let i = 0; i < z.length; i += step) pieces.push({ type: 'IDAT', data: z.subarray(i, i + step) });
  const plte = s.color === 3 ? [{ type: 'PLTE', data: Uint8Array.from({ length: 3 * 2 ** s.depth }, (_, i) => (i * 37) & 255) }] : [];
  return [{ type: 'IHDR', data: ihdr(s.width, s.height, s.depth, s.color, s.methods) }, ...plte, ...s.extra, ...pieces, { type: 'IEND', data: new Uint8Array(0) }];
}

export const fileOf = (chunks: RawChunk[]) => concat([SIGNATURE, ...chunks.map((c) => chunk(c.type, c.data))]);

/** A mutation of a chunk list or its bytes, as a damaged or hostile file has. */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'swap'; i: number; j: number }
  | { kind: 'drop'; i: number }
  | { kind: 'dup'; i: number }
  | { kind: 'flip'; at: number; bit: number; fixCrc: boolean }
  | { kind: 'length'; i: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'trailing'; bytes: Uint8Array }
  | { kind: 'ihdrField'; offset: number; value: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), i: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), i: fc.nat() }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), fixCrc: fc.boolean() }) },
  fc.record({ kind: fc.constant('length' as const), i: fc.nat(), value: fc.oneof(fc.nat(64), fc.constant(0xffffffff), fc.constant(0x7fffffff)) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('trailing' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('ihdrField' as const), offset: fc.integer({ min: 0, max: 12 }), value: fc.oneof(fc.nat(255), fc.constant(0x80)) }),
);

/** Applies a mutation; CRCs are recomputed except where the mutation is a bad CRC or a lying length. */
export function mutate(chunks: RawChunk[], m: Mutation): Uint8Array {
  const cs = chunks.map((c) => ({ type: c.type, data: c.data }));
  const at = (i: number) => i % cs.length;
  switch (m.kind) {
    case 'none':
      return fileOf(cs);
    case 'swap': {
      const [a, b] = [at(m.i), at(m.j)];
      [cs[a], cs[b]] = [cs[b], cs[a]];
      return fileOf(cs);
    }
    case 'drop':
      cs.splice(at(m.i), 1);
      return fileOf(cs);
    case 'dup':
      cs.splice(at(m.i), 0, cs[at(m.i)]);
      return fileOf(cs);
    case 'ihdrField': {
      const d = cs[0].data.slice();
      d[m.offset] = m.value;
      cs[0] = { type: cs[0].type, data: d };
      return fileOf(cs);
    }
    case 'flip': {
      const bytes = fileOf(cs);
      const pos = m.at % bytes.length;
      bytes[pos] ^= 1 << m.bit;
      return m.fixCrc ? fixCrcs(bytes) : bytes;
    }
    case 'length': {
      const bytes = fileOf(cs);
      let pos = 8;
      for (let k = 0; k < at(m.i); k++) pos += 12 + cs[k].data.length;
      new DataView(bytes.buffer).setUint32(pos, m.value);
      return bytes;
    }
    case 'truncate': {
      const bytes = fileOf(cs);
      return bytes.subarray(0, m.at % bytes.length);
    }
    case 'trailing':
      return concat([fileOf(cs), m.bytes]);
  }
}

/** Recomputes every CRC that the chunk lengths let us find (after an edit inside a chunk). */
export function fixCrcs(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let pos = 8; pos + 12 <= bytes.length; ) {
    const len = dv.getUint32(pos);
    if (len > bytes.length - pos - 12) break;
    dv.setUint32(pos + 8 + len, crc32(bytes, pos + 4, pos + 8 + len));
    pos += 12 + len;
  }
  return bytes;
}
