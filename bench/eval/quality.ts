// Image fidelity of a decoded chip against the uncompressed chip: PSNR over RGB (peak 255) and SSIM
// on BT.601 luma with Wang et al.'s 11x11 Gaussian window (sigma 1.5, K1 0.01, K2 0.03, valid region).
import type { Image } from '../../host/image/image.ts';

function rgb(img: Image): ArrayLike<number>[] {
  const n = img.width * img.height, c = img.channels;
  return [0, 1, 2].map((k) => {
    const out = new Float64Array(n);
    for (let p = 0; p < n; p++) out[p] = img.data[p * c + (c === 1 ? 0 : k)];
    return out;
  });
}

function sameSize(a: Image, b: Image) {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`image sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
}

/** PSNR in dB over the three colour channels; Infinity for identical images. */
export function psnr(a: Image, b: Image): number {
  sameSize(a, b);
  const x = rgb(a), y = rgb(b);
  let se = 0;
  for (let k = 0; k < 3; k++) for (let i = 0; i < x[k].length; i++) se += (x[k][i] - y[k][i]) ** 2;
  const mse = se / (3 * x[0].length);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

const luma = (img: Image): Float64Array => {
  const [r, g, b] = rgb(img), out = new Float64Array(r.length);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i];
  return out;
};

const WINDOW = (() => {
  const w = new Float64Array(11);
  let s = 0;
  for (let i = 0; i < 11; i++) s += w[i] = Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5));
  return w.map((v) => v / s);
})();

/** Separable 11-tap Gaussian filter, valid region: (w-10) x (h-10). */
function blur(x: Float64Array, w: number, h: number): Float64Array {
  const ow = w - 10, oh = h - 10, tmp = new Float64Array(ow * h), out = new Float64Array(ow * oh);
  for (let y = 0; y < h; y++)
    for (let i = 0; i < ow; i++) {
      let s = 0;
      for (let k = 0; k < 11; k++) s += WINDOW[k] * x[y * w + i + k];
      tmp[y * ow + i] = s;
    }
  for (let j = 0; j < oh; j++)
    for (let i = 0; i < ow; i++) {
      let s = 0;
      for (let k = 0; k < 11; k++) s += WINDOW[k] * tmp[(j + k) * ow + i];
      out[j * ow + i] = s;
    }
  return out;
}

export function ssim(a: Image, b: Image): number {
  sameSize(a, b);
  const { width: w, height: h } = a;
  if (w < 11 || h < 11) throw new Error('SSIM needs images of at least 11x11');
  const x = luma(a), y = luma(b);
  const prod = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * q[i]);
  const mx = blur(x, w, h), my = blur(y, w, h);
  const sxx = blur(prod(x, x), w, h), syy = blur(prod(y, y), w, h), sxy = blur(prod(x, y), w, h);
  const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < mx.length; i++) {
    const vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i], cxy = sxy[i] - mx[i] * my[i];
    sum += ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
  }
  return sum / mx.length;
}
