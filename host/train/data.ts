// Training data for the codec: aligned chips of LFW images that no test pair references (the same
// landmark alignment as the benchmark), plus CelebA patches for variety. Chips are aligned once and
// cached on disk; the run writes a manifest of every image it used.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../image/codecs.ts';
import { padEdge, type Image } from '../image/image.ts';
import { alignBatch, centralBox } from '../models/align.ts';
import { DEFAULT_LANDMARKS_URL, loadLandmarks } from '../models/landmarks.ts';

export const CHIP = 150;
/** Whole chips train padded to this side (a multiple of the code factor 4), as the codec pads them: repeating the last row and column at the bottom and right. */
export const CHIP_PADDED = 152;
/** Side of the square crops taken from CelebA images (89x109). */
export const CELEBA_PATCH = 88;

export interface ChipSet {
  /** count x 150 x 150 x 3, RGB bytes. */
  data: Uint8Array;
  count: number;
  /** Source of each chip, relative to its dataset folder, prefixed "lfw/" or "celeba/". */
  files: string[];
}

export interface DataPaths {
  /** LFW deep-funneled folder (Name/Name_NNNN.jpg). */
  lfw: string;
  /** Lists of LFW images that may be trained on. */
  lists: string[];
  /** The LFW test images: refused even if a list names them. */
  testReferenced: string;
  /** CelebA aligned-and-cropped folder (optional). */
  celeba?: string;
  /** Where aligned chips are cached. */
  cacheDir: string;
}

export function readList(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The training LFW images: the union of the lists, minus every test-referenced image (asserted). */
export function trainingImages(p: DataPaths): string[] {
  const test = new Set(readList(p.testReferenced));
  const all = [...new Set(p.lists.flatMap(readList))].sort();
  const clean = all.filter((f) => !test.has(f));
  if (clean.length !== all.length) throw new Error(`${all.length - clean.length} images in the training lists are LFW test images: refusing`);
  return clean;
}

/** Aligns (once; cached) every training LFW image to a 150x150 chip. */
export async function lfwChips(p: DataPaths, log: (s: string) => void = () => {}): Promise<ChipSet> {
  const files = trainingImages(p);
  const key = createHash('sha256').update(files.join('\n')).update(readFileSync(DEFAULT_LANDMARKS_URL)).digest('hex').slice(0, 16);
  const cache = path.join(p.cacheDir, `lfw-chips-${key}.bin`);
  if (existsSync(cache)) {
    const data = new Uint8Array(readFileSync(cache));
    if (data.length === files.length * CHIP * CHIP * 3) return { data, count: files.length, files: files.map((f) => `lfw/${f}`) };
  }
  const detector = await loadLandmarks();
  const data = new Uint8Array(files.length * CHIP * CHIP * 3);
  const t0 = performance.now();
  for (let i = 0; i < files.length; i += 32) {
    const batch = files.slice(i, i + 32).map((f) => {
      const image = decodeImage(readFileSync(path.join(p.lfw, f)));
      return { image, box: centralBox(image.width, image.height) };
    });
    const chips = await alignBatch(detector, batch);
    chips.forEach(({ chip }, k) => data.set(chip.data as Uint8Array, (i + k) * CHIP * CHIP * 3));
    if ((i / 32) % 20 === 0) log(`aligned ${Math.min(i + 32, files.length)}/${files.length} training chips (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  detector.dispose();
  mkdirSync(p.cacheDir, { recursive: true });
  writeFileSync(cache + '.tmp', data);
  renameSync(cache + '.tmp', cache); // never leave a half-written cache behind
  return { data, count: files.length, files: files.map((f) => `lfw/${f}`) };
}

/** All CelebA images, decoded (89x109 each). */
export function celebaImages(dir: string): { images: Image[]; files: string[] } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
  return { images: files.map((f) => decodeImage(readFileSync(path.join(dir, f)))), files: files.map((f) => `celeba/${f}`) };
}

/** Deterministic PRNG for sampling and augmentation (resumable: the state is one number). */
export class Rng {
  constructor(public state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * A batch of size x size RGB float crops (0..255): from LFW chips with a random shift, or from CelebA
 * images; each flipped horizontally with probability 1/2.
 */
export function sampleBatch(rng: Rng, chips: ChipSet, celeba: Image[], n: number, size: number, celebaShare: number): Float32Array {
  const out = new Float32Array(n * size * size * 3);
  for (let b = 0; b < n; b++) {
    let src: Uint8Array | Uint8ClampedArray, w: number, h: number, ch: number, x0: number, y0: number;
    if (celeba.length && rng.next() < celebaShare && size <= 88) {
      const img = celeba[rng.int(celeba.length)];
      [src, w, h, ch] = [img.data as Uint8Array, img.width, img.height, img.channels];
      x0 = rng.int(w - size + 1);
      y0 = rng.int(h - size + 1);
    } else {
      const i = rng.int(chips.count);
      [src, w, h, ch] = [chips.data.subarray(i * CHIP * CHIP * 3, (i + 1) * CHIP * CHIP * 3), CHIP, CHIP, 3];
      // Mostly the face centre, with small shifts.
      const span = Math.max(0, CHIP - size);
      x0 = Math.min(span, Math.max(0, Math.round(span / 2 + (rng.next() - 0.5) * span)));
      y0 = Math.min(span, Math.max(0, Math.round(span / 2 + (rng.next() - 0.5) * span)));
    }
    const flip = rng.next() < 0.5;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const sx = flip ? x0 + size - 1 - x : x0 + x;
        const si = ((y0 + y) * w + sx) * ch, di = ((b * size + y) * size + x) * 3;
        out[di] = src[si];
        out[di + 1] = src[si + 1];
        out[di + 2] = src[si + 2];
      }
  }
  return out;
}

/**
 * A batch of whole chips for training through the recognizer: 150x150 originals (maybe flipped) and
 * the same padded to 152x152 by the encoder's own padEdge (host/image/image.ts: the last row and
 * column repeated at the bottom and right; the chip stays at the top left). `keys` name each
 * (chip, flip) so the original's embedding can be cached.
 */
export function chipBatch(rng: Rng, chips: ChipSet, n: number): { x150: Float32Array; x152: Float32Array; keys: string[] } {
  const P = CHIP_PADDED;
  const x150 = new Float32Array(n * CHIP * CHIP * 3), x152 = new Float32Array(n * P * P * 3);
  const keys: string[] = [];
  for (let b = 0; b < n; b++) {
    const i = rng.int(chips.count), flip = rng.next() < 0.5;
    keys.push(`${i}${flip ? 'f' : ''}`);
    const src = chips.data.subarray(i * CHIP * CHIP * 3, (i + 1) * CHIP * CHIP * 3);
    for (let y = 0; y < CHIP; y++)
      for (let x = 0; x < CHIP; x++)
        for (let c = 0; c < 3; c++) x150[((b * CHIP + y) * CHIP + x) * 3 + c] = src[(y * CHIP + (flip ? CHIP - 1 - x : x)) * 3 + c];
    padEdge(x150.subarray(b * CHIP * CHIP * 3, (b + 1) * CHIP * CHIP * 3), CHIP, CHIP, P, P, x152, b * P * P * 3);
  }
  return { x150, x152, keys };
}
