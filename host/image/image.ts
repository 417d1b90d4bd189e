// Images as the API sees them: interleaved pixels, row-major, HWC.
import { bilinearTap } from '../ops/resize_bilinear.ts';

export interface Image {
  /** height * width * channels values; 0..255 for byte arrays and for Float32Array alike. */
  data: Uint8Array | Uint8ClampedArray | Float32Array;
  width: number;
  height: number;
  /** 1 (gray), 3 (RGB) or 4 (RGBA; alpha is ignored). */
  channels: number;
}

export class ImageError extends Error {
  override name = 'ImageError';
}

export function checkImage(img: Image): void {
  const { width, height, channels, data } = img;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) throw new ImageError(`bad image size ${width}x${height}`);
  if (![1, 3, 4].includes(channels)) throw new ImageError(`images need 1, 3 or 4 channels, got ${channels}`);
  if (!data || data.length !== width * height * channels) throw new ImageError(`image data has ${data?.length} values, expected ${width}x${height}x${channels} = ${width * height * channels}`);
}

/** RGB float32 HWC (0..255), dropping alpha and replicating gray. */
export function toRgbFloat(img: Image): Float32Array {
  checkImage(img);
  const { data, channels } = img;
  const n = img.width * img.height;
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++)
    for (let c = 0; c < 3; c++) out[p * 3 + c] = data[p * channels + (channels === 1 ? 0 : c)];
  return out;
}

/** Bilinear resize of RGB float HWC with half-pixel centres (the resize_bilinear op's sampling). */
export function resizeRgb(src: Float32Array, w: number, h: number, ow: number, oh: number): Float32Array {
  if (w === ow && h === oh) return src;
  const out = new Float32Array(ow * oh * 3);
  for (let oy = 0; oy < oh; oy++) {
    const [y0, y1, fy] = bilinearTap(oy, h, oh);
    for (let ox = 0; ox < ow; ox++) {
      const [x0, x1, fx] = bilinearTap(ox, w, ow);
      for (let c = 0; c < 3; c++) {
        const a = src[(y0 * w + x0) * 3 + c], b = src[(y0 * w + x1) * 3 + c];
        const d = src[(y1 * w + x0) * 3 + c], e = src[(y1 * w + x1) * 3 + c];
        const top = a + (b - a) * fx;
        out[(oy * ow + ox) * 3 + c] = top + (d + (e - d) * fx - top) * fy;
      }
    }
  }
  return out;
}

/** Crop a box (clamped reads outside the image repeat the edge) and resize it to size x size. */
export function cropResize(img: Image, box: { x: number; y: number; width: number; height: number }, size: number): Image {
  const rgb = toRgbFloat(img);
  const out = new Uint8Array(size * size * 3);
  const sx = box.width / size, sy = box.height / size;
  for (let oy = 0; oy < size; oy++)
    for (let ox = 0; ox < size; ox++) {
      const fxs = Math.min(Math.max(box.x + (ox + 0.5) * sx - 0.5, 0), img.width - 1);
      const fys = Math.min(Math.max(box.y + (oy + 0.5) * sy - 0.5, 0), img.height - 1);
      const x0 = Math.floor(fxs), y0 = Math.floor(fys);
      const x1 = Math.min(x0 + 1, img.width - 1), y1 = Math.min(y0 + 1, img.height - 1);
      const fx = fxs - x0, fy = fys - y0;
      for (let c = 0; c < 3; c++) {
        const at = (x: number, y: number) => rgb[(y * img.width + x) * 3 + c];
        const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * fx;
        const bot = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * fx;
        out[(oy * size + ox) * 3 + c] = Math.round(top + (bot - top) * fy);
      }
    }
  return { data: out, width: size, height: size, channels: 3 };
}

/**
 * Copies a W x H RGB image (floats) into the PW x PH image at dst[at..], repeating its last row and
 * column into the padding (bottom and right): how the codec pads an image to its networks' multiple.
 */
export function padEdge(src: Float32Array, W: number, H: number, PW: number, PH: number, dst: Float32Array, at: number): void {
  for (let y = 0; y < PH; y++)
    for (let x = 0; x < PW; x++) {
      const s = (Math.min(y, H - 1) * W + Math.min(x, W - 1)) * 3, d = at + (y * PW + x) * 3;
      dst[d] = src[s];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s + 2];
    }
}
