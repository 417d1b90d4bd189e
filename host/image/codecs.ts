// PNG and JPEG files <-> Image, in pure JavaScript (our own PNG codec in png.ts, jpeg-js) so it runs
// wherever Node does. Limits are checked from the header before any pixel is decoded: a huge or
// corrupt file is an ImageError, never an out-of-memory crash or a hang.
import jpeg from 'jpeg-js';
import { ImageError, checkImage, type Image } from './image.ts';
import { decodePng, encodePng8 } from './png.ts';

export interface DecodeOptions {
  /** Refuse images with more pixels than this (default 40 megapixels). */
  maxPixels?: number;
  /** Refuse files longer than this (default 256 MiB). */
  maxFileBytes?: number;
}

const DEFAULT_MAX_PIXELS = 40_000_000;
const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

export function sniffFormat(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

export function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): Image {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS, maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes.length > maxFileBytes) throw new ImageError(`image file is ${bytes.length} bytes, over the limit of ${maxFileBytes} bytes`);
  const format = sniffFormat(bytes);
  // Every colour type and bit depth, expanded to RGBA 8-bit (as pngjs did).
  if (format === 'png') return decodePng(bytes, { maxPixels });
  if (format === 'jpeg') {
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
      if (!img.width || !img.height) throw new Error('no image data');
      return { data: img.data, width: img.width, height: img.height, channels: 3 };
    } catch (e) {
      throw new ImageError(`corrupt JPEG: ${(e as Error).message}`);
    }
  }
  throw new ImageError('not a PNG or JPEG file');
}

/** 8-bit RGB or gray PNG (alpha is dropped; samples are rounded and clamped to 0..255). */
export function encodePng(img: Image): Uint8Array {
  checkImage(img);
  const channels = img.channels === 1 ? 1 : 3, n = img.width * img.height;
  const pixels = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) pixels[p * channels + c] = clampByte(img.data[p * img.channels + c]);
  return encodePng8(pixels, img.width, img.height, channels);
}

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
