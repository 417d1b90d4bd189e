// The colour of a luma-only file (header.ts, layout.ts): at the bottom of a model's range the code keeps
// its luma plane alone and RecNet, trained so, restores a face of one learned tint. The encoder then
// stores the original's mean chroma over a CHROMA_GRID x CHROMA_GRID grid of cells (9 bytes), and
// decode shifts the restoration's chroma so that each cell's mean matches, the shift interpolated
// bilinearly between cell centres. What it buys, against the other grids: bench/results/chroma-cells.md.
//
// Chroma is BT.601's, full range, unscaled: Cb = 0.564 (B - Y), Cr = 0.713 (R - Y), Y = 0.299 R +
// 0.587 G + 0.114 B. A cell's mean is stored as a 4-bit signed level of CHROMA_STEP (-48..42; a
// face's and most backgrounds' chroma lie well inside), Cb cells then Cr cells, each row-major, two
// levels per byte (the first in the high nibble). Cell k of n spans pixels floor(k size / n) ..
// floor((k + 1) size / n) - 1.

/** Cells per side. */
export const CHROMA_GRID = 3;
/** Stored bytes: a 4-bit Cb and Cr level per cell. */
export const CHROMA_BYTES = CHROMA_GRID * CHROMA_GRID;
/** Chroma per stored level. */
export const CHROMA_STEP = 6;

/** BT.601's chroma scales: Cb = KB (B - Y), Cr = KR (R - Y). */
export const KB = 0.564, KR = 0.713;
/** BT.601 luma of one RGB pixel. */
export const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/** Each cell's mean (Cb, Cr) of an interleaved RGB image [height, width (row stride `stride`), 3]. */
function cellMeans(rgb: ArrayLike<number>, width: number, height: number, stride: number, n: number): Float64Array {
  const sum = new Float64Array(2 * n * n), count = new Float64Array(n * n);
  for (let y = 0; y < height; y++) {
    const cy = Math.floor((y * n) / height);
    for (let x = 0; x < width; x++) {
      const k = cy * n + Math.floor((x * n) / width), i = (y * stride + x) * 3;
      const r = rgb[i], g = rgb[i + 1], b = rgb[i + 2], Y = luma(r, g, b);
      sum[k] += KB * (b - Y);
      sum[n * n + k] += KR * (r - Y);
      count[k]++;
    }
  }
  return sum.map((s, j) => s / count[j % (n * n)]);
}

/** The bytes a luma-only file stores for an original image [height, width (row stride `stride`), 3] (0..255); `grid` cells per side. */
export function chromaCells(rgb: ArrayLike<number>, width: number, height: number, stride = width, grid = CHROMA_GRID): Uint8Array {
  const levels = Array.from(cellMeans(rgb, width, height, stride, grid), (m) => Math.max(-8, Math.min(7, Math.round(m / CHROMA_STEP))));
  return Uint8Array.from({ length: grid * grid }, (_, j) => ((levels[2 * j] & 15) << 4) | (levels[2 * j + 1] & 15));
}

/** The cells' mean chroma (Cb cells then Cr cells) that stored bytes say. */
export function cellChroma(bytes: Uint8Array): number[] {
  const level = (nibble: number) => (nibble >= 8 ? nibble - 16 : nibble) * CHROMA_STEP;
  return Array.from(bytes).flatMap((b) => [level(b >> 4), level(b & 15)]);
}

/** Weights of the two cell centres either side of pixel p of `size` along one axis: [lower cell, upper cell, upper's weight]. */
function axis(p: number, size: number, n: number): [number, number, number] {
  const g = Math.min(n - 1, Math.max(0, ((p + 0.5) * n) / size - 0.5));
  const lo = Math.floor(g);
  return [lo, Math.min(n - 1, lo + 1), g - lo];
}

/**
 * Shifts a restored image's chroma in place [height, width (row stride `stride`), 3] so that each
 * cell's mean is the stored one: luma is kept, and R, G, B move by the colour difference that the
 * interpolated (Cb, Cr) shift makes. The grid is the one `cells` were made with (n^2 bytes).
 */
export function applyChroma(rgb: Float32Array, width: number, height: number, stride: number, cells: Uint8Array): void {
  const n = Math.round(Math.sqrt(cells.length)), have = cellMeans(rgb, width, height, stride, n), want = cellChroma(cells);
  const shift = Float64Array.from(have, (m, j) => want[j] - m);
  const at = (plane: number, [y0, y1, fy]: [number, number, number], [x0, x1, fx]: [number, number, number]) => {
    const s = (cy: number, cx: number) => shift[plane * n * n + cy * n + cx];
    return (1 - fy) * ((1 - fx) * s(y0, x0) + fx * s(y0, x1)) + fy * ((1 - fx) * s(y1, x0) + fx * s(y1, x1));
  };
  const xs = Array.from({ length: width }, (_, x) => axis(x, width, n));
  for (let y = 0; y < height; y++) {
    const ay = axis(y, height, n);
    for (let x = 0; x < width; x++) {
      const dCb = at(0, ay, xs[x]), dCr = at(1, ay, xs[x]), i = (y * stride + x) * 3;
      // Inverse of the transform above for a pure chroma change (Y unchanged).
      rgb[i] += dCr / KR;
      rgb[i + 1] -= (0.299 / 0.587) * (dCr / KR) + (0.114 / 0.587) * (dCb / KB);
      rgb[i + 2] += dCb / KB;
    }
  }
}
