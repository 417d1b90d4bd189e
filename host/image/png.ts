// PNG files <-> Image, for the photos users hand us and the images we write; no dependency beyond
// fflate (zlib) and what it shares with the codec's reader (host/codec/png.ts: chunk framing, row
// unfilter, bounded inflate).
//
// decodePng reads any standard PNG: colour types 0/2/3/4/6 at every bit depth the spec allows, a
// palette with tRNS alpha, a tRNS colour key for gray and RGB, Adam7 interlace. It returns RGBA 8-bit
// (channels 4) exactly as pngjs 7's PNG.sync.read does for the same valid file: gray is copied to R, G
// and B; samples below 8 bits and 16-bit samples are scaled by floor(v * 255 / (2^depth - 1) + 0.5);
// a pixel equal to the tRNS key (compared at the file's bit depth) becomes 0,0,0,0; palette entries
// take their alpha from tRNS. gAMA, colour profiles and the like are not applied (nor by pngjs).
//
// Safety: every failure is an ImageError whose message starts "corrupt PNG: " (or names the limit it
// is over), never another exception, a hang or a huge allocation. The pixel limit is checked from
// IHDR before anything else; critical chunks' CRCs, the chunk order (IHDR first, PLTE before IDAT for
// palette images, consecutive IDATs, IEND last, nothing after it), the IHDR fields, filter types and
// palette indices are verified; the image data must inflate to exactly the size IHDR implies (Adam7
// passes included) with a valid Adler-32, and a stream too short to reach that size is refused before
// anything is allocated for it. Ancillary chunks are skipped, a damaged one too (bad CRC, wrong
// length, out of place: as libpng does); pngjs refuses some of those files (an empty gAMA, say).
//
// encodePng8 writes 8-bit gray (colour type 0) or RGB (type 2), one IDAT, the filter chosen per row.
import { zlibSync } from 'fflate';
import { CodecError } from '../codec/errors.ts';
import { inflateExact } from '../codec/inflate.ts';
import { assemblePng, chunkAt, filtered, SIGNATURE, unfilterRows, type RawChunk } from '../codec/png.ts';
import { ImageError, type Image } from './image.ts';

/** Samples per pixel of each colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Bit depths each colour type allows (PNG spec, table 11.1). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
/** Deflate's largest expansion (258 bytes from 2 bits): a stream shorter than size / this cannot be the image. */
const MAX_DEFLATE_RATIO = 1032;
/** No buffer this decoder allocates (inflated data, RGBA pixels) may be larger, whatever the pixel limit. */
const MAX_BUFFER_BYTES = 2 ** 31 - 1;

export interface PngLimits {
  /** Refuse images with more pixels than this, from IHDR, before reading any image data. */
  maxPixels: number;
}

const corrupt = (msg: string) => new ImageError(`corrupt PNG: ${msg}`);

interface Header {
  width: number;
  height: number;
  depth: number;
  color: number;
  interlaced: boolean;
}

/** What the chunks say: the header, palette (RGBA, 4 bytes an entry), tRNS colour key, image data. */
interface PngFile {
  header: Header;
  palette?: Uint8Array;
  key?: number[];
  idat: Uint8Array[];
}

/** IHDR: the pixel limit first (from the raw fields, as a huge image is refused whatever else is wrong), then CRC and fields. */
function parseHeader(c: RawChunk, limits: PngLimits): Header {
  if (c.type !== 'IHDR') throw corrupt('IHDR is not the first chunk');
  if (c.data.length !== 13) throw corrupt(`IHDR is ${c.data.length} bytes long, not 13`);
  const d = c.data, dv = new DataView(d.buffer, d.byteOffset, 13);
  const width = dv.getUint32(0), height = dv.getUint32(4), depth = d[8], color = d[9];
  if (width * height > limits.maxPixels) throw new ImageError(`PNG is ${width}x${height}, over the limit of ${limits.maxPixels} pixels`);
  if (!c.crcOk()) throw corrupt('CRC mismatch in chunk IHDR');
  if (width < 1 || height < 1 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1) throw corrupt(`bad image size ${width}x${height}`);
  if (!(color in DEPTHS)) throw corrupt(`unknown colour type ${color}`);
  if (!DEPTHS[color].includes(depth)) throw corrupt(`bit depth ${depth} is not allowed for colour type ${color}`);
  if (d[10] !== 0) throw corrupt(`unknown compression method ${d[10]}`);
  if (d[11] !== 0) throw corrupt(`unknown filter method ${d[11]}`);
  if (d[12] > 1) throw corrupt(`unknown interlace method ${d[12]}`);
  return { width, height, depth, color, interlaced: d[12] === 1 };
}

/** PLTE: used by palette images (one only, 1 to 256 entries); a suggested palette of other types is ignored. */
function readPalette(file: PngFile, data: Uint8Array): void {
  if (file.header.color !== 3) return;
  if (file.palette) throw corrupt('two PLTE chunks');
  if (data.length === 0 || data.length > 768 || data.length % 3 !== 0) throw corrupt(`PLTE is ${data.length} bytes long (3 bytes an entry, 1 to 256 entries)`);
  const n = data.length / 3;
  file.palette = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) file.palette.set([data[i * 3], data[i * 3 + 1], data[i * 3 + 2], 255], i * 4);
}

/** tRNS: palette alphas or a gray/RGB colour key. One of the wrong length, a second one or one out of place is ignored (ancillary). */
function readTransparency(file: PngFile, data: Uint8Array, seen: boolean): void {
  const { color } = file.header;
  if (seen || file.idat.length > 0) return;
  if (color === 3 && file.palette && data.length <= file.palette.length / 4) for (let i = 0; i < data.length; i++) file.palette[i * 4 + 3] = data[i];
  if (color === 0 && data.length === 2) file.key = [(data[0] << 8) | data[1]];
  if (color === 2 && data.length === 6) file.key = [0, 2, 4].map((i) => (data[i] << 8) | data[i + 1]);
}

/** Walks the chunks from the signature to IEND, checking their order; nothing may follow IEND. */
function readChunks(bytes: Uint8Array, limits: PngLimits): PngFile {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw corrupt('bad signature');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let c = chunkAt(bytes, dv, 8, corrupt);
  const file: PngFile = { header: parseHeader(c, limits), idat: [] };
  let idatEnded = false, trnsSeen = false;
  for (;;) {
    c = chunkAt(bytes, dv, c.end, corrupt);
    if (c.critical && !c.crcOk()) throw corrupt(`CRC mismatch in chunk ${c.type}`);
    if (file.idat.length > 0 && c.type !== 'IDAT') idatEnded = true;
    if (c.type === 'IEND') break;
    if (c.type === 'IHDR') throw corrupt('two IHDR chunks');
    else if (c.type === 'PLTE') readPalette(file, c.data);
    else if (c.type === 'IDAT') {
      if (idatEnded) throw corrupt('the IDAT chunks are not consecutive');
      if (file.header.color === 3 && !file.palette) throw corrupt('palette image without a PLTE chunk before its image data');
      file.idat.push(c.data);
    } else if (c.critical) throw corrupt(`unknown critical chunk ${c.type}`);
    else if (c.type === 'tRNS' && c.crcOk()) {
      readTransparency(file, c.data, trnsSeen);
      trnsSeen = true;
    }
  }
  if (c.end !== bytes.length) throw corrupt(`${bytes.length - c.end} bytes after IEND`);
  if (file.idat.length === 0) throw corrupt('no IDAT chunk');
  return file;
}

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
  /** Bytes per row, without the filter-type byte. */
  stride: number;
}

/** The image as stored: one pass, or the non-empty Adam7 passes. */
function passesOf(h: Header): Pass[] {
  const bits = h.depth * CHANNELS[h.color];
  const pass = (x0: number, y0: number, dx: number, dy: number): Pass => {
    const width = Math.max(0, Math.ceil((h.width - x0) / dx)), height = Math.max(0, Math.ceil((h.height - y0) / dy));
    return { x0, y0, dx, dy, width, height, stride: Math.ceil((width * bits) / 8) };
  };
  if (!h.interlaced) return [pass(0, 0, 1, 1)];
  return ADAM7.map(([x0, y0, dx, dy]) => pass(x0, y0, dx, dy)).filter((p) => p.width > 0 && p.height > 0);
}

/** The concatenated IDAT data inflated: exactly `size` bytes or an ImageError, never more than that allocated. */
function inflateImage(idat: Uint8Array[], size: number): Uint8Array {
  const z = new Uint8Array(idat.reduce((a, d) => a + d.length, 0));
  let at = 0;
  for (const d of idat) {
    z.set(d, at);
    at += d.length;
  }
  if (size > (z.length + 1) * MAX_DEFLATE_RATIO) throw corrupt(`${z.length} bytes of image data cannot inflate to the ${size} bytes the image needs`);
  try {
    return inflateExact(z, size);
  } catch (e) {
    if (e instanceof CodecError) throw new ImageError(e.message); // inflateExact's messages start "corrupt PNG: "
    throw e;
  }
}

/** Unpacks `count` samples of `depth` bits (MSB first; 16 bits big-endian) from raw[at..]. */
function unpack(raw: Uint8Array, at: number, count: number, depth: number, s: Uint16Array): void {
  if (depth === 8) for (let i = 0; i < count; i++) s[i] = raw[at + i];
  else if (depth === 16) for (let i = 0; i < count; i++) s[i] = (raw[at + 2 * i] << 8) | raw[at + 2 * i + 1];
  else {
    const perByte = 8 / depth, mask = (1 << depth) - 1;
    for (let i = 0; i < count; i++) s[i] = (raw[at + Math.floor(i / perByte)] >> (8 - depth * (1 + (i % perByte)))) & mask;
  }
}

/** pngjs's reduction of a sample to 8 bits, as a table over every sample value. */
function scaleTable(depth: number): Uint8Array {
  const max = 2 ** depth - 1;
  return Uint8Array.from({ length: max + 1 }, (_, v) => Math.floor((v * 255) / max + 0.5));
}

/** Writes n pixels of unpacked samples as RGBA at out[o], out[o + step], ... */
type PixelWriter = (s: Uint16Array, n: number, out: Uint8Array, o: number, step: number) => void;

function pixelWriter(file: PngFile): PixelWriter {
  const { color, depth } = file.header, key = file.key;
  const sc = scaleTable(depth);
  if (color === 3) {
    const pal = file.palette!, entries = pal.length / 4;
    return (s, n, out, o, step) => {
      for (let x = 0; x < n; x++, o += step) {
        const i = s[x];
        if (i >= entries) throw corrupt(`palette index ${i} is out of range (the palette has ${entries} entries)`);
        out[o] = pal[i * 4], out[o + 1] = pal[i * 4 + 1], out[o + 2] = pal[i * 4 + 2], out[o + 3] = pal[i * 4 + 3];
      }
    };
  }
  if (color === 0 || color === 4) {
    const alpha = color === 4, k = key ? key[0] : -1;
    return (s, n, out, o, step) => {
      for (let x = 0, j = 0; x < n; x++, o += step, j += alpha ? 2 : 1) {
        const v = s[j], g = sc[v];
        if (v === k) out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
        else out[o] = g, out[o + 1] = g, out[o + 2] = g, out[o + 3] = alpha ? sc[s[j + 1]] : 255;
      }
    };
  }
  const alpha = color === 6, k = key ?? [-1, -1, -1];
  return (s, n, out, o, step) => {
    for (let x = 0, j = 0; x < n; x++, o += step, j += alpha ? 4 : 3) {
      if (s[j] === k[0] && s[j + 1] === k[1] && s[j + 2] === k[2]) out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      else out[o] = sc[s[j]], out[o + 1] = sc[s[j + 1]], out[o + 2] = sc[s[j + 2]], out[o + 3] = alpha ? sc[s[j + 3]] : 255;
    }
  };
}

/** A PNG file as RGBA 8-bit (channels 4), the pixels pngjs 7 gives; any failure is an ImageError. */
export function decodePng(bytes: Uint8Array, limits: PngLimits): Image {
  const file = readChunks(bytes, limits);
  const { width, height, depth, color } = file.header;
  const passes = passesOf(file.header);
  const size = passes.reduce((a, p) => a + p.height * (p.stride + 1), 0);
  if (size > MAX_BUFFER_BYTES || width * height * 4 > MAX_BUFFER_BYTES) throw new ImageError(`PNG is ${width}x${height}, too large to decode (over 2 GiB)`);
  const raw = inflateImage(file.idat, size);
  const out = new Uint8Array(width * height * 4);
  const channels = CHANNELS[color], bpp = Math.max(1, (depth * channels) / 8);
  const s = new Uint16Array(width * channels);
  const write = pixelWriter(file);
  let at = 0;
  for (const p of passes) {
    unfilterRows(raw, at, p.height, p.stride, bpp, corrupt);
    for (let y = 0; y < p.height; y++, at += p.stride + 1) {
      unpack(raw, at + 1, p.width * channels, depth, s);
      write(s, p.width, out, ((p.y0 + y * p.dy) * width + p.x0) * 4, p.dx * 4);
    }
  }
  return { data: out, width, height, channels: 4 };
}

/** An 8-bit gray (channels 1, colour type 0) or RGB (channels 3, colour type 2) PNG of interleaved row-major pixels. */
export function encodePng8(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1) throw new ImageError(`bad PNG size ${width}x${height}`);
  if (pixels.length !== width * height * channels) throw new ImageError(`PNG pixels: ${pixels.length} values, expected ${width}x${height}x${channels}`);
  const stride = width * channels;
  const rows = Array.from({ length: height }, (_, y) => pixels.subarray(y * stride, (y + 1) * stride));
  const raw = filtered(rows, stride, -1, channels); // the filter chosen per row
  return assemblePng({ width, height, depth: 8, colourType: channels === 1 ? 0 : 2 }, [], zlibSync(raw, { level: 6 }));
}
