// safetensors container: [u64 LE header length][JSON header][tensor bytes].
// Header: { "__metadata__": {string: string}, name: {dtype, shape, data_offsets: [begin, end]} }
// with offsets relative to the start of the data region. Any standard safetensors reader opens our files.
//
// Everything is validated before any tensor is touched: a corrupt or truncated file throws a
// FormatError naming the problem, never a RangeError or a silently wrong tensor.

export type DType = 'F32' | 'F16' | 'U8' | 'I32';

export const DTYPE_BYTES: Record<DType, number> = { F32: 4, F16: 2, U8: 1, I32: 4 };

export class FormatError extends Error {
  override name = 'FormatError';
}

/** One raw tensor as stored: `bytes` is a view into the file (no copy). */
export interface RawTensor {
  dtype: DType;
  shape: number[];
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, RawTensor>;
}

/** Headers larger than this are refused before parsing (a corrupt length would otherwise allocate GBs). */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export function parseSafetensors(file: Uint8Array): SafetensorsFile {
  if (file.byteLength < 8) throw new FormatError(`file is ${file.byteLength} bytes, too short for the 8-byte header length`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLen64 = view.getBigUint64(0, true);
  if (headerLen64 > BigInt(file.byteLength - 8)) {
    throw new FormatError(`header length ${headerLen64} exceeds the ${file.byteLength - 8} bytes after it (truncated or corrupt file)`);
  }
  const headerLen = Number(headerLen64);
  if (headerLen > MAX_HEADER_BYTES) throw new FormatError(`header length ${headerLen} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  if (headerLen < 2) throw new FormatError(`header length ${headerLen} is too small for a JSON object`);

  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLen));
  } catch {
    throw new FormatError('header is not valid UTF-8');
  }
  if (headerText[0] !== '{') throw new FormatError('header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    throw new FormatError(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(header)) throw new FormatError('header is not a JSON object');

  const dataStart = 8 + headerLen;
  const dataLen = file.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, RawTensor>();
  const ranges: Array<[number, number, string]> = [];

  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(entry)) throw new FormatError('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw new FormatError(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (!isPlainObject(entry)) throw new FormatError(`tensor "${name}": entry is not an object`);
    const { dtype, shape, data_offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
      throw new FormatError(`tensor "${name}": unsupported dtype ${JSON.stringify(dtype)} (expected one of ${Object.keys(DTYPE_BYTES).join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new FormatError(`tensor "${name}": shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    }
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new FormatError(`tensor "${name}": data_offsets ${JSON.stringify(data_offsets)} is not [begin, end]`);
    }
    const [begin, end] = data_offsets as [number, number];
    if (begin > end) throw new FormatError(`tensor "${name}": data_offsets begin ${begin} > end ${end}`);
    if (end > dataLen) throw new FormatError(`tensor "${name}": data_offsets end ${end} is past the ${dataLen} data bytes (truncated file?)`);
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    const expected = count * DTYPE_BYTES[dtype as DType];
    if (end - begin !== expected) {
      throw new FormatError(`tensor "${name}": ${end - begin} bytes stored but ${dtype} x [${shape.join(', ')}] needs ${expected}`);
    }
    ranges.push([begin, end, name]);
    tensors.set(name, { dtype: dtype as DType, shape: shape as number[], bytes: file.subarray(dataStart + begin, dataStart + end) });
  }

  // The spec requires the data region to be fully indexed: no overlaps, no holes.
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cursor = 0;
  for (const [begin, end, name] of ranges) {
    if (begin < cursor) throw new FormatError(`tensor "${name}": bytes ${begin}..${end} overlap the previous tensor`);
    if (begin > cursor) throw new FormatError(`unindexed hole in the data region at bytes ${cursor}..${begin}`);
    cursor = end;
  }
  if (cursor !== dataLen) throw new FormatError(`${dataLen - cursor} trailing bytes after the last tensor`);
  return { metadata, tensors };
}

/** Serialise tensors (in the given order) and string metadata into a safetensors file. */
export function writeSafetensors(tensors: Array<[string, RawTensor]>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count * DTYPE_BYTES[t.dtype] !== t.bytes.byteLength) throw new FormatError(`tensor "${name}": byte length does not match shape`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.byteLength] };
    offset += t.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data region starts 8-byte aligned (allowed by the spec).
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - ((8 + headerBytes.byteLength) % 8)) % 8;
  if (pad) headerBytes = enc.encode(json + ' '.repeat(pad));
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const [, t] of tensors) {
    out.set(t.bytes, pos);
    pos += t.bytes.byteLength;
  }
  return out;
}

/** IEEE 754 binary16 -> number. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const F32_SCRATCH = new Float32Array(1);
const U32_SCRATCH = new Uint32Array(F32_SCRATCH.buffer);

/** number -> IEEE 754 binary16 bits, rounded to nearest even (overflow gives infinity, NaN stays NaN). */
export function f32ToF16(v: number): number {
  F32_SCRATCH[0] = v;
  const x = U32_SCRATCH[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e < -10) return sign;
  // Normal: drop 13 mantissa bits; subnormal (e <= 0): the implicit 1 joins and 1 - e more bits go.
  const m = e > 0 ? mant : mant | 0x800000;
  const shift = e > 0 ? 13 : 14 - e;
  let h = sign | ((e > 0 ? e : 0) << 10) | (m >>> shift);
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  // A carry out of the mantissa moves into the exponent, which is the correctly rounded result.
  if (rem > half || (rem === half && h & 1)) h++;
  return h;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
