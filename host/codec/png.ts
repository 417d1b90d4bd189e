// A small PNG writer and a strict reader for the codec's bitstream: 8-bit-or-less grayscale images
// plus one private ancillary chunk. The reader validates every length, CRC, dimension and the inflated
// size before unfiltering, so a corrupt, truncated or hostile file is a clear CodecError, never a
// crash, a hang or a huge allocation. Deflate is fflate (pure JS, also in browsers) and, for the
// smallest candidates, the small-payload encoder of deflate.ts; inflate is bounded (inflate.ts).
// The chunk framing (chunkAt) and the row unfilter (unfilterRows) serve the general reader for
// users' images too (host/image/png.ts), which differs in what it accepts, not in how it walks a file.
import { zlibSync } from 'fflate';
import { zlibSmall } from './deflate.ts';
import { CodecError } from './errors.ts';
import { inflateExact } from './inflate.ts';

export { CodecError } from './errors.ts';

/** The 8 bytes every PNG starts with. */
export const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface Chunk {
  type: string;
  data: Uint8Array;
}

function chunkBytes(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

export interface GrayImage {
  width: number;
  height: number;
  /** 1, 2, 4 or 8 */
  depth: number;
  /** One sample per pixel, each < 2^depth. */
  samples: Uint8Array;
}

/** Packs rows of samples at the bit depth, one filter-type byte before each row. */
function packRows(img: GrayImage): { rows: Uint8Array[]; stride: number } {
  const stride = Math.ceil((img.width * img.depth) / 8);
  const rows: Uint8Array[] = [];
  const perByte = 8 / img.depth;
  for (let y = 0; y < img.height; y++) {
    const row = new Uint8Array(stride);
    for (let x = 0; x < img.width; x++) {
      const v = img.samples[y * img.width + x];
      const bit = (perByte - 1 - (x % perByte)) * img.depth;
      row[Math.floor(x / perByte)] |= v << bit;
    }
    rows.push(row);
  }
  return { rows, stride };
}

/** PNG's Paeth predictor from the left (a), upper (b) and upper-left (c) samples. */
export const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** One row filtered with `type` into out[at..] (type byte first); bpp: bytes per complete pixel (1 for gray at 8 bits or less). */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array | undefined, out: Uint8Array, at: number, bpp = 1): void {
  out[at] = type;
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0, c = i >= bpp && prev ? prev[i - bpp] : 0;
    const pred = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
    out[at + 1 + i] = (row[i] - pred) & 0xff;
  }
}

/** Filtered scanlines with one filter strategy: a fixed type, or (-1) per-row minimum sum of |residual|. */
export function filtered(rows: Uint8Array[], stride: number, strategy: number, bpp = 1): Uint8Array {
  const out = new Uint8Array(rows.length * (stride + 1));
  const tmp = new Uint8Array(stride + 1);
  rows.forEach((row, y) => {
    const prev = y > 0 ? rows[y - 1] : undefined;
    if (strategy >= 0) return filterRow(strategy, row, prev, out, y * (stride + 1), bpp);
    let best = 0, bestCost = Infinity;
    for (let t = 0; t < 5; t++) {
      filterRow(t, row, prev, tmp, 0, bpp);
      let cost = 0;
      for (let i = 1; i <= stride; i++) cost += tmp[i] < 128 ? tmp[i] : 256 - tmp[i];
      if (cost < bestCost) [best, bestCost] = [t, cost];
    }
    filterRow(best, row, prev, out, y * (stride + 1), bpp);
  });
  return out;
}

/** Filter strategies: the five PNG filter types for every row, or (-1) the per-row heuristic. */
export const FILTER_STRATEGIES = [0, 1, 2, 3, 4, -1];

export interface WriteOptions {
  /** Filter strategies to try (default: all of FILTER_STRATEGIES). */
  strategies?: number[];
  /**
   * How many of the smallest (image, strategy) candidates after fflate's level-9 deflate are
   * recompressed with the small-payload encoder of deflate.ts (default 1; 0: fflate only).
   */
  refine?: number;
  /** Rows where the image changes character (e.g. where one code plane ends): candidate deflate block splits. */
  splitRows?: number[];
}

/**
 * The smallest PNG of one of the images (the same samples at different bit depths, say) over the
 * filter strategies: every candidate is deflated by fflate at level 9, and the `refine` smallest are
 * deflated again with optimal parsing (deflate.ts); the smallest stream wins.
 */
export function writePng(images: GrayImage | GrayImage[], extra: Chunk[], opts: WriteOptions = {}): Uint8Array {
  const cands: Array<{ img: GrayImage; raw: Uint8Array; stride: number; z: Uint8Array }> = [];
  for (const img of Array.isArray(images) ? images : [images]) {
    const { rows, stride } = packRows(img);
    for (const strategy of opts.strategies ?? FILTER_STRATEGIES) {
      const raw = filtered(rows, stride, strategy);
      cands.push({ img, raw, stride, z: zlibSync(raw, { level: 9 }) });
    }
  }
  cands.sort((a, b) => a.z.length - b.z.length);
  let best = cands[0];
  for (const c of cands.slice(0, opts.refine ?? 1)) {
    const splits = (opts.splitRows ?? []).map((r) => [r * (c.stride + 1)]);
    const z = zlibSmall(c.raw, { splits });
    if (z.length < best.z.length) best = { ...c, z };
  }
  return assemblePng({ width: best.img.width, height: best.img.height, depth: best.img.depth, colourType: 0 }, extra, best.z);
}

/** A whole non-interlaced PNG: signature, IHDR, the extra chunks, one IDAT of the zlib stream, IEND. */
export function assemblePng(ihdr: { width: number; height: number; depth: number; colourType: number }, extra: Chunk[], zlib: Uint8Array): Uint8Array {
  const head = new Uint8Array(13);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, ihdr.width);
  dv.setUint32(4, ihdr.height);
  head[8] = ihdr.depth;
  head[9] = ihdr.colourType;
  const parts = [new Uint8Array(SIGNATURE), chunkBytes('IHDR', head), ...extra.map((c) => chunkBytes(c.type, c.data)), chunkBytes('IDAT', zlib), chunkBytes('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** A written PNG with one more chunk just before IEND (after the image data: a reader that stops at the image has it whole). */
export function withChunkAtEnd(png: Uint8Array, chunk: Chunk): Uint8Array {
  const c = chunkBytes(chunk.type, chunk.data), at = png.length - 12;
  const out = new Uint8Array(png.length + c.length);
  out.set(png.subarray(0, at));
  out.set(c, at);
  out.set(png.subarray(at), at + c.length);
  return out;
}

/** A written PNG with the data of its (first) chunk of `type` replaced; the chunks' order is kept. */
export function withChunkData(png: Uint8Array, type: string, data: Uint8Array): Uint8Array {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let p = 8; p + 12 <= png.length; p += 12 + v.getUint32(p)) {
    if (String.fromCharCode(...png.subarray(p + 4, p + 8)) !== type) continue;
    const c = chunkBytes(type, data), end = p + 12 + v.getUint32(p);
    const out = new Uint8Array(png.length - (end - p) + c.length);
    out.set(png.subarray(0, p));
    out.set(c, p);
    out.set(png.subarray(end), p + c.length);
    return out;
  }
  throw new CodecError(`PNG has no ${type} chunk`);
}

export interface ReadLimits {
  /** Refuse images with more samples than this before inflating. */
  maxSamples: number;
  /** Refuse files longer than this (default DEFAULT_READ_LIMITS.maxFileBytes). */
  maxFileBytes?: number;
  /** Refuse files with more chunks than this, IHDR and IEND included (default DEFAULT_READ_LIMITS.maxChunks). */
  maxChunks?: number;
}

/** Defaults for the limits a caller may leave out: 64 MiB files, 4096 chunks. */
export const DEFAULT_READ_LIMITS = { maxFileBytes: 64 * 1024 * 1024, maxChunks: 4096 };

interface RawChunks {
  ihdr: Uint8Array;
  idat: Uint8Array[];
  chunks: Chunk[];
}

/** One chunk as a reader meets it; its CRC is checked on demand (a reader may skip an ancillary chunk unchecked). */
export interface RawChunk {
  type: string;
  data: Uint8Array;
  /** Bit 5 of the type's first letter clear: a reader that does not know the chunk must refuse the file. */
  critical: boolean;
  crcOk: () => boolean;
  /** Where the next chunk starts. */
  end: number;
}

/** The chunk at pos, for both PNG readers (this one and host/image/png.ts): its length, type and CRC must lie inside the file; `fail` makes the reader's own error. */
export function chunkAt(bytes: Uint8Array, dv: DataView, pos: number, fail: (msg: string) => Error): RawChunk {
  if (pos === bytes.length) throw fail(`truncated: the file ends at byte ${pos}, before an IEND chunk`);
  if (pos + 12 > bytes.length) throw fail(`truncated: the chunk at byte ${pos} runs past the end of the file`);
  const len = dv.getUint32(pos);
  const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
  if (!/^[A-Za-z]{4}$/.test(type)) throw fail(`bad chunk type at byte ${pos}`);
  const left = bytes.length - pos - 12;
  if (len > left) throw fail(`truncated: chunk ${type} at byte ${pos} declares ${len} bytes, ${left} are left`);
  const end = pos + 12 + len;
  const crcOk = () => crc32(bytes, pos + 4, end - 4) === dv.getUint32(end - 4);
  return { type, data: bytes.subarray(pos + 8, end - 4), critical: (bytes[pos + 4] & 0x20) === 0, crcOk, end };
}

/**
 * Undoes the row filters in place, for both PNG readers: `height` rows of `stride` bytes from
 * raw[start], each after its filter-type byte (the row above the first is zeros); bpp: bytes per
 * complete pixel (at least 1). A filter type over 4 is `fail`'s error.
 */
export function unfilterRows(raw: Uint8Array, start: number, height: number, stride: number, bpp: number, fail: (msg: string) => Error): void {
  const n = stride;
  for (let y = 0; y < height; y++) {
    const at = start + y * (n + 1), type = raw[at], cur = at + 1, up = cur - n - 1;
    if (type > 4) throw fail(`filter type ${type} in row ${y} (filter types are 0 to 4)`);
    if (y === 0) {
      // No row above: Up adds nothing, Average adds half the left byte, Paeth is the left byte.
      if (type === 1 || type === 4) for (let i = bpp; i < n; i++) raw[cur + i] += raw[cur + i - bpp];
      else if (type === 3) for (let i = bpp; i < n; i++) raw[cur + i] += raw[cur + i - bpp] >> 1;
      continue;
    }
    if (type === 1) for (let i = bpp; i < n; i++) raw[cur + i] += raw[cur + i - bpp];
    else if (type === 2) for (let i = 0; i < n; i++) raw[cur + i] += raw[up + i];
    else if (type === 3) {
      for (let i = 0; i < bpp && i < n; i++) raw[cur + i] += raw[up + i] >> 1;
      for (let i = bpp; i < n; i++) raw[cur + i] += (raw[cur + i - bpp] + raw[up + i]) >> 1;
    } else if (type === 4) {
      for (let i = 0; i < bpp && i < n; i++) raw[cur + i] += raw[up + i];
      for (let i = bpp; i < n; i++) raw[cur + i] += paeth(raw[cur + i - bpp], raw[up + i], raw[up + i - bpp]);
    }
  }
}

const corrupt = (msg: string) => new CodecError(`corrupt PNG: ${msg}`);

/** Walks the chunks up to IEND: lengths, types, CRCs, order, count; nothing may follow IEND. */
function readChunks(bytes: Uint8Array, limits: ReadLimits): RawChunks {
  const maxFileBytes = limits.maxFileBytes ?? DEFAULT_READ_LIMITS.maxFileBytes, maxChunks = limits.maxChunks ?? DEFAULT_READ_LIMITS.maxChunks;
  if (bytes.length > maxFileBytes) throw new CodecError(`PNG is ${bytes.length} bytes, over the limit of ${maxFileBytes} bytes`);
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new CodecError('not a PNG file (bad signature)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8, count = 0, ended = false;
  const chunks: Chunk[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | undefined;
  while (!ended) {
    if (++count > maxChunks) throw new CodecError(`PNG has more than ${maxChunks} chunks, over the limit`);
    const { type, data, critical, crcOk, end } = chunkAt(bytes, dv, pos, corrupt);
    if (!crcOk()) throw corrupt(`CRC mismatch in chunk ${type}`);
    if (!ihdr && type !== 'IHDR') throw corrupt('IHDR is not the first chunk');
    if (type === 'IHDR') {
      if (ihdr) throw corrupt('two IHDR chunks');
      if (data.length !== 13) throw corrupt('IHDR length is not 13');
      ihdr = data;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    else if (critical) throw new CodecError(`unsupported critical chunk ${type}`);
    else chunks.push({ type, data });
    pos = end;
  }
  if (pos !== bytes.length) throw new CodecError(`corrupt PNG: ${bytes.length - pos} bytes after IEND`);
  return { ihdr: ihdr!, idat, chunks };
}

/** Parses and validates a grayscale PNG; returns its samples and the ancillary chunks. */
export function readPng(bytes: Uint8Array, limits: ReadLimits): { image: GrayImage; chunks: Chunk[] } {
  const { ihdr, idat, chunks } = readChunks(bytes, limits);
  const h = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
  const width = h.getUint32(0), height = h.getUint32(4), depth = ihdr[8], color = ihdr[9];
  if (ihdr[10] !== 0 || ihdr[11] !== 0 || ihdr[12] !== 0) throw new CodecError('unsupported PNG: compression, filter or interlace method');
  if (color !== 0 || ![1, 2, 4, 8].includes(depth)) throw new CodecError(`not a facecodec PNG: colour type ${color}, bit depth ${depth} (expected grayscale, depth 1-8)`);
  if (width < 1 || height < 1) throw new CodecError('corrupt PNG: empty image');
  if (width * height > limits.maxSamples) throw new CodecError(`PNG is ${width}x${height}, over the limit of ${limits.maxSamples} samples`);
  if (idat.length === 0) throw new CodecError('corrupt PNG: no IDAT');
  const stride = Math.ceil((width * depth) / 8);
  const z = new Uint8Array(idat.reduce((a, d) => a + d.length, 0));
  let zp = 0;
  for (const d of idat) {
    z.set(d, zp);
    zp += d.length;
  }
  const raw = inflateExact(z, height * (stride + 1));
  unfilterRows(raw, 0, height, stride, 1, corrupt);
  const samples = new Uint8Array(width * height);
  const perByte = 8 / depth, mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1) + 1;
    for (let x = 0; x < width; x++) samples[y * width + x] = (raw[row + Math.floor(x / perByte)] >> ((perByte - 1 - (x % perByte)) * depth)) & mask;
  }
  return { image: { width, height, depth, samples }, chunks };
}
