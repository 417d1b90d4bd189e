// The private ancillary PNG chunk "fcHd": what a decoder needs beyond the PNG image itself.
//
// Version 2 (written since model v4's release; 5 data bytes, 17 with the chunk's framing):
//   byte 0  version (2) << 4 | layout flags (bit 0: decorrelated rgb planes, bit 1: g420, bit 2: g420's luma plane only,
//           bit 3: g420 of the code pooled 2x2; layout.ts)
//   byte 1  model id (0: an unregistered model)
//   byte 2  quality 1..100
//   byte 3  (width - 1) mod 8 | ((height - 1) mod 8) << 3   (the PNG's own size gives the rest)
//           | 64 when chroma cells follow (bit 6; luma-only files only)
//           | bit 7: pooled files, ((width - 1) >> 3) & 1 (their PNG's width leaves 16 widths open); else reserved
//   byte 4  low byte of the weights hash (FNV-1a of both model files): catches a swapped model
//   bytes 5..13, with bit 6: the original's mean chroma per cell (chroma.ts), which decode restores.
//   Luma-only files written before the cells (model v4's first release) have 5 bytes and keep decoding.
// Version 1 (models v1 to v3 as first released; 12 bytes): version u8, flags u8, model id u8,
//   weights hash u32, quality u8, width u16, height u16 (big-endian). Still read.
import { CodecError } from './png.ts';
import { CHROMA_BYTES } from './chroma.ts';
import { filePlaneSize, FLAG_DECORRELATED, FLAG_G420, FLAG_LUMA_ONLY, FLAG_POOLED, isPooled } from './layout.ts';

export const HEADER_CHUNK = 'fcHd';
export const FORMAT_VERSION = 2;
export const HEADER_BYTES = 5;
const V1_BYTES = 12;

export interface Header {
  version: number;
  flags: number;
  modelId: number;
  /** The weights hash, or as much of it as the file keeps (hashBits). */
  weightsHash: number;
  hashBits: number;
  quality: number;
  /** Size of the original image. */
  width: number;
  height: number;
  /** Luma-only files: the original's mean chroma per cell (chroma.ts), if the file stores it. */
  chroma?: Uint8Array;
}

const CHROMA_BIT = 64;

/** The version-2 chunk data for a file (the width and height residues; the PNG carries the rest). */
export function encodeHeader(h: Omit<Header, 'version' | 'hashBits'>): Uint8Array {
  const sizes = ((h.width - 1) & 7) | (((h.height - 1) & 7) << 3) | (h.chroma ? CHROMA_BIT : 0) | (isPooled(h.flags) ? (((h.width - 1) >> 3) & 1) << 7 : 0);
  const fixed = [(FORMAT_VERSION << 4) | h.flags, h.modelId, h.quality, sizes, h.weightsHash & 0xff];
  if (h.chroma && h.chroma.length !== CHROMA_BYTES) throw new CodecError(`chroma cells must be ${CHROMA_BYTES} bytes, got ${h.chroma.length}`);
  return Uint8Array.from(h.chroma ? [...fixed, ...h.chroma] : fixed);
}

function checkFields(h: Header): Header {
  const f = h.flags;
  const g420Only = FLAG_LUMA_ONLY | FLAG_POOLED;
  if (f & ~(FLAG_DECORRELATED | FLAG_G420 | g420Only) || (f & FLAG_G420 && f & FLAG_DECORRELATED) || (f & g420Only && !(f & FLAG_G420)) || (f & g420Only) === g420Only) throw new CodecError(`unknown header flags ${h.flags}`);
  if (h.quality < 1 || h.quality > 100) throw new CodecError(`header quality ${h.quality} is out of range`);
  if (h.width < 1 || h.height < 1) throw new CodecError('header declares an empty image');
  if (h.chroma && !(f & FLAG_LUMA_ONLY)) throw new CodecError('corrupt facecodec PNG: chroma cells in a file that stores all planes');
  return h;
}

/**
 * The original image size from the stored image's size (pngWidth x pngHeight) and the header's
 * residues: the one size whose code, laid out as `flags` say, gives that PNG.
 */
function resolveSize(flags: number, factor: number, pngWidth: number, pngHeight: number, wRes: number, hRes: number): { width: number; height: number } {
  const wMod = isPooled(flags) ? 15 : 7; // a pooled file's header keeps one more bit of the width
  const found: Array<{ width: number; height: number }> = [];
  const k = isPooled(flags) ? 2 : 1; // a pooled file stores ceil(h/2) x ceil(w/2) of an h x w code
  for (let h = Math.max(1, k * Math.floor(pngHeight / 3) - 1); h <= k * pngHeight; h++)
    for (let w = Math.max(1, k * (pngWidth - 1) - 1); w <= k * pngWidth; w++) {
      const s = filePlaneSize(flags, h, w);
      if (s.width !== pngWidth || s.height !== pngHeight) continue;
      for (let W = factor * (w - 1) + 1; W <= factor * w; W++)
        for (let H = factor * (h - 1) + 1; H <= factor * h; H++) if (((W - 1) & wMod) === wRes && ((H - 1) & 7) === hRes) found.push({ width: W, height: H });
    }
  if (found.length !== 1) throw new CodecError(`corrupt facecodec PNG: a ${pngWidth}x${pngHeight} image and the header's size residues give ${found.length} possible sizes`);
  return found[0];
}

/** Reads either version; the PNG image's size completes a version-2 header. */
export function decodeHeader(b: Uint8Array, png: { width: number; height: number }, factor: number): Header {
  if (b.length === V1_BYTES && b[0] === 1) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return checkFields({ version: 1, flags: b[1], modelId: b[2], weightsHash: dv.getUint32(3), hashBits: 32, quality: b[7], width: dv.getUint16(8), height: dv.getUint16(10) });
  }
  if (b.length >= HEADER_BYTES && b[0] >> 4 === FORMAT_VERSION) {
    const flags = b[0] & 15;
    if (b[3] >> 7 && !isPooled(flags)) throw new CodecError('corrupt facecodec PNG: reserved header bits are set');
    const chroma = b[3] & CHROMA_BIT ? b.slice(HEADER_BYTES) : undefined;
    if (b.length !== HEADER_BYTES + (chroma ? CHROMA_BYTES : 0)) throw new CodecError(`corrupt facecodec PNG: a ${b.length}-byte header ${chroma ? 'with' : 'without'} chroma cells`);
    checkFields({ version: 2, flags, modelId: b[1], weightsHash: b[4], hashBits: 8, quality: b[2], width: 1, height: 1, chroma });
    const size = resolveSize(flags, factor, png.width, png.height, (b[3] & 7) | ((b[3] >> 7) << 3), (b[3] >> 3) & 7);
    return { version: 2, flags, modelId: b[1], weightsHash: b[4], hashBits: 8, quality: b[2], ...size, ...(chroma && { chroma }) };
  }
  throw new CodecError(`unsupported facecodec header (${b.length} bytes, version ${b.length ? b[0] >> (b.length === HEADER_BYTES ? 4 : 0) : '?'}; this build reads versions 1 and 2)`);
}

/** Whether a file's (possibly truncated) weights hash matches the full hash of the loaded weights. */
export const hashMatches = (h: Header, full: number) => (h.hashBits >= 32 ? h.weightsHash === full >>> 0 : h.weightsHash === (full & ((1 << h.hashBits) - 1)));
