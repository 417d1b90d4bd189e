// PNG and JPEG files <-> Image, in pure JavaScript (pngjs, jpeg-js) so it runs wherever Node does.
// Limits are checked from the header before any pixel is decoded: a huge or corrupt file is an
// ImageError, never an out-of-memory crash or a hang.
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { ImageError, checkImage, type Image } from './image.ts';

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
  if (format === 'png') {
    if (bytes.length < 24) throw new ImageError('PNG is truncated before its IHDR');
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w = dv.getUint32(16), h = dv.getUint32(20);
    if (w * h > maxPixels) throw new ImageError(`PNG is ${w}x${h}, over the limit of ${maxPixels} pixels`);
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      throw new ImageError(`corrupt PNG: ${(e as Error).message}`);
    }
    // pngjs expands every colour type to RGBA 8-bit.
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4 };
  }
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

/** 8-bit RGB or gray PNG. */
export function encodePng(img: Image): Uint8Array {
  checkImage(img);
  const png = new PNG({ width: img.width, height: img.height });
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) png.data[p * 4 + c] = clampByte(img.data[p * img.channels + (img.channels === 1 ? 0 : c)]);
    png.data[p * 4 + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: img.channels === 1 ? 0 : 2 }));
}

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
