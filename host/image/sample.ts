// Bilinear resampling of an RGB float image (0..255, [h, w, 3]) into a size x size square: taps at
// half-pixel centres. The landmark model's crops and the detector's letterbox both use it.

/** A rectangle in image pixels (x, y: top-left corner). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What a sample past the image's edge gets: 'edge' repeats the border pixel (a crop that leaves the
 * image); 'zero' leaves `out` untouched where a sample centre lies past the right or bottom edge (the
 * caller zero-fills, as a letterbox does).
 */
export type Outside = 'edge' | 'zero';

/**
 * Samples `box` of rgb [h, w, 3] to size x size RGB into `out` at `offset`. A non-square box is
 * stretched (the square sees it whole).
 */
export function sampleBox(rgb: Float32Array, w: number, h: number, box: Box, size: number, out: Float32Array = new Float32Array(size * size * 3), offset = 0, outside: Outside = 'edge'): Float32Array {
  const sx = box.width / size, sy = box.height / size;
  for (let oy = 0; oy < size; oy++) {
    const ry = box.y + (oy + 0.5) * sy - 0.5;
    if (outside === 'zero' && ry > h - 0.5) break;
    const fy = Math.min(Math.max(ry, 0), h - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, h - 1), wy = fy - y0;
    for (let ox = 0; ox < size; ox++) {
      const rx = box.x + (ox + 0.5) * sx - 0.5;
      if (outside === 'zero' && rx > w - 0.5) break;
      const fx = Math.min(Math.max(rx, 0), w - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, w - 1), wx = fx - x0;
      const o = offset + (oy * size + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * w + x0) * 3 + c], b = rgb[(y0 * w + x1) * 3 + c];
        const d = rgb[(y1 * w + x0) * 3 + c], e = rgb[(y1 * w + x1) * 3 + c];
        const top = a + (b - a) * wx;
        out[o + c] = top + (d + (e - d) * wx - top) * wy;
      }
    }
  }
  return out;
}
