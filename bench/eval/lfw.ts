// The LFW verification benchmark: align every referenced image (cached), pass each chip through a
// codec at each setting (cached per codec, setting and image), embed, and score the pairs with the
// 10-fold protocol. Every stage's output is a cache record, so an interrupted run resumes where it
// stopped and a finished one is only re-read.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Image } from '../../host/image/image.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import type { Box, LandmarkDetector } from '../../host/models/landmarks.ts';
import type { FaceDetector } from '../../host/models/detector.ts';
import { LANDMARK_BOX_DY, LANDMARK_BOX_SCALE } from '../../host/models/faces.ts';
import { cachedOutcome, prepareDetectedChips, type DetectOutcome } from './lfw-detect.ts';
import { alignBatch, centralBox } from '../../host/models/align.ts';
import { DiskCache } from './cache.ts';
import type { Codec } from './codecs.ts';
import { foldAccuracy, rocAuc, tarAtFar, type Scored } from './metrics.ts';
import type { Pair } from './pairs.ts';
import type { EvalRecognizer } from './recognizers.ts';
import { psnr, ssim } from './quality.ts';

export const CHIP = 150;

export interface Row {
  codec: string;
  setting: number;
  /** Mean whole-file bits per pixel of the 150x150 chip (headers included). */
  bpp: number;
  /** Mean PSNR (dB) and SSIM of decoded chips against the uncompressed chips; null for none. */
  psnr: number | null;
  ssim: number | null;
  accuracy: number;
  std: number;
  auc: number;
  tar_far1e2: number;
  pairs: number;
  images: number;
}

export interface Progress {
  start(label: string, total: number, done: number): void;
  update(done: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {} };

export interface AlignConfig {
  /** Fixed face box for every image, or undefined for the central box (deep-funneled LFW). */
  box?: Box;
  /** Landmark passes (default 1). */
  passes?: number;
  /** Face detector boxes at this input size instead (bench/eval/lfw-detect.ts). */
  detector?: { model: FaceDetector; inputSize: number };
}

export const alignKey = (a: AlignConfig) =>
  a.detector ? `align-detector-blazeface${a.detector.inputSize}-box${LANDMARK_BOX_SCALE}_${LANDMARK_BOX_DY}-p1` : `align-${a.box ? `box${a.box.x}_${a.box.y}_${a.box.width}_${a.box.height}` : 'central'}-p${a.passes ?? 1}`;

const chipKey = (align: AlignConfig, img: string) => `chips/${alignKey(align)}/${img}.rgb`;

/** An image's aligned 150x150 RGB chip from a benchmark cache, if it is there (and whole). */
export function cachedChip(cache: DiskCache, img: string, align: AlignConfig = {}): Image | undefined {
  const raw = cache.get(chipKey(align, img));
  return raw && raw.byteLength === CHIP * CHIP * 3 ? { data: raw, width: CHIP, height: CHIP, channels: 3 } : undefined;
}

/** Like cachedChip, but a missing chip is an error that says how to make it. */
export function requireCachedChip(cache: DiskCache, img: string, cacheDir: string): Image {
  const chip = cachedChip(cache, img);
  if (!chip) throw new Error(`no aligned chip for ${img} in ${cacheDir}: run \`npm run bench -- lfw\` first`);
  return chip;
}

export class LfwBench {
  readonly cache: DiskCache;
  constructor(
    readonly dataDir: string,
    cacheDir: string,
    readonly detector: LandmarkDetector,
    readonly recognizer: EvalRecognizer,
    readonly align: AlignConfig = {},
    readonly progress: Progress = silentProgress,
    readonly batch = 16,
  ) {
    this.cache = new DiskCache(cacheDir);
    this.cache.sweep();
  }

  /** The aligned 150x150 RGB chip of an image, once prepareChips has made it. */
  chip(img: string): Image | undefined {
    return cachedChip(this.cache, img, this.align);
  }

  /** The detector's outcome for an image (align.detector runs only). */
  outcome(img: string): DetectOutcome | undefined {
    return cachedOutcome(this.cache, `${chipKey(this.align, img)}.detect.json`);
  }

  async prepareChips(images: string[]): Promise<void> {
    const todo = images.filter((f) => !this.chip(f) || (this.align.detector && !this.outcome(f)));
    this.progress.start('align', images.length, images.length - todo.length);
    let done = images.length - todo.length;
    if (this.align.detector) {
      const { model, inputSize } = this.align.detector;
      const p = { cache: this.cache, dataDir: this.dataDir, detector: model, landmarks: this.detector, inputSize, chipKey: (f: string) => chipKey(this.align, f), outcomeKey: (f: string) => `${chipKey(this.align, f)}.detect.json` };
      await prepareDetectedChips(p, todo, this.progress, done, this.batch);
      this.progress.stop();
      return;
    }
    for (let i = 0; i < todo.length; i += this.batch) {
      const files = todo.slice(i, i + this.batch);
      const items = files.map((f) => {
        let image: Image;
        try {
          image = decodeImage(readFileSync(path.join(this.dataDir, f)));
        } catch (e) {
          throw new Error(`${path.join(this.dataDir, f)}: ${(e as Error).message}`);
        }
        return { image, box: this.align.box ?? centralBox(image.width, image.height) };
      });
      const out = await alignBatch(this.detector, items, { passes: this.align.passes });
      out.forEach(({ chip }, k) => this.cache.put(chipKey(this.align, files[k]), chip.data as Uint8Array));
      done += files.length;
      this.progress.update(done);
    }
    this.progress.stop();
  }

  /** dlib's results under results/ (as before); another recognizer's under results-<its cacheId>/. */
  private resultKey(codec: string, setting: number, img: string) {
    const root = this.recognizer.cacheId ? `results-${this.recognizer.cacheId}` : 'results';
    return `${root}/${alignKey(this.align)}/${codec}/${setting}/${img}.bin`;
  }

  /** Cached result: [fileBytes, psnr, ssim, descriptor x recognizer.length]. */
  result(codec: string, setting: number, img: string): Float64Array | undefined {
    const r = this.cache.get(this.resultKey(codec, setting, img));
    if (!r || r.byteLength !== (3 + this.recognizer.length) * 8) return undefined;
    return new Float64Array(r.buffer.slice(r.byteOffset, r.byteOffset + r.byteLength));
  }

  /** Runs one codec setting over the images (resuming from the cache) and scores the pairs. */
  async runSetting(codec: Codec, setting: number, images: string[], pairs: Pair[]): Promise<Row> {
    // Results are cached under cacheId when the codec has one (e.g. facecodec names its weights'
    // hash), so retrained models never read stale results.
    const key = codec.cacheId ?? codec.id;
    const todo = images.filter((f) => !this.result(key, setting, f));
    this.progress.start(`${codec.id} ${setting}`, images.length, images.length - todo.length);
    let done = images.length - todo.length;
    const stage = async (files: string[]) =>
      Promise.all(
        files.map(async (f) => {
          const chip = this.chip(f);
          if (!chip) throw new Error(`no aligned chip for ${f}`);
          if (codec.id === 'none') return { f, bytes: (await codec.encode(chip, setting)).byteLength, decoded: chip, psnr: Infinity, ssim: 1 };
          const file = await codec.encode(chip, setting);
          const decoded = await codec.decode(file);
          return { f, bytes: file.byteLength, decoded, psnr: psnr(chip, decoded), ssim: ssim(chip, decoded) };
        }),
      );
    const batches: string[][] = [];
    for (let i = 0; i < todo.length; i += this.batch) batches.push(todo.slice(i, i + this.batch));
    // Codec work of the next batch overlaps the embedding of this one.
    let next = batches.length ? stage(batches[0]) : undefined;
    for (let b = 0; b < batches.length; b++) {
      const ready = await next!;
      next = b + 1 < batches.length ? stage(batches[b + 1]) : undefined;
      next?.catch(() => {}); // surfaced when awaited
      const ds = await this.recognizer.embedBatch(ready.map((r) => r.decoded));
      ready.forEach((r, k) => {
        if (ds[k].length !== this.recognizer.length) throw new Error(`descriptor of ${ds[k].length} values, expected ${this.recognizer.length}`);
        const rec = new Float64Array(3 + this.recognizer.length);
        rec[0] = r.bytes;
        rec[1] = r.psnr;
        rec[2] = r.ssim;
        rec.set(ds[k], 3);
        this.cache.put(this.resultKey(key, setting, r.f), new Uint8Array(rec.buffer));
      });
      done += ready.length;
      this.progress.update(done);
    }
    this.progress.stop();
    return { ...this.score(key, setting, images, pairs), codec: codec.id };
  }

  score(codec: string, setting: number, images: string[], pairs: Pair[]): Row {
    const res = new Map(images.map((f) => [f, this.result(codec, setting, f)!]));
    let bytes = 0, ps = 0, ss = 0;
    for (const r of res.values()) {
      bytes += r[0];
      ps += r[1];
      ss += r[2];
    }
    const n = res.size;
    const desc = (f: string) => res.get(f)!.subarray(3) as unknown as Float32Array;
    const scored: Scored[] = pairs.map((p) => ({ distance: this.recognizer.distance(desc(p.a), desc(p.b)), same: p.same, fold: p.fold }));
    const acc = foldAccuracy(scored);
    return {
      codec,
      setting,
      bpp: (bytes * 8) / (CHIP * CHIP) / n,
      psnr: codec === 'none' ? null : ps / n,
      ssim: codec === 'none' ? null : ss / n,
      accuracy: acc.mean,
      std: acc.std,
      auc: rocAuc(scored),
      tar_far1e2: tarAtFar(scored, 1e-2),
      pairs: pairs.length,
      images: n,
    };
  }
}
