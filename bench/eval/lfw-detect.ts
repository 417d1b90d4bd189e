// LFW with detector boxes instead of the central box. LFW's images are centred on the labelled person,
// so of the faces found the one whose box centre is nearest the image centre is taken (others are
// bystanders); an image with no face found falls back to the central box (align.ts centralBox). Each
// image's outcome is cached next to its chip, so a finished run can still say what happened to every
// image.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../../host/image/codecs.ts';
import type { Image } from '../../host/image/image.ts';
import type { Detection, FaceDetector } from '../../host/models/detector.ts';
import type { LandmarkDetector } from '../../host/models/landmarks.ts';
import { alignBatch, centralBox } from '../../host/models/align.ts';
import { alignDetections } from '../../host/models/faces.ts';
import type { DiskCache } from './cache.ts';
import type { Progress, Row } from './lfw.ts';

export function centralDetection(dets: Detection[], width: number, height: number): Detection | undefined {
  let best: Detection | undefined, bestD = Infinity;
  for (const d of dets) {
    const dist = Math.hypot(d.box.x + d.box.width / 2 - width / 2, d.box.y + d.box.height / 2 - height / 2);
    if (dist < bestD) {
      best = d;
      bestD = dist;
    }
  }
  return best;
}

/** What the detector made of one image: faces found, and the box used (null: none found, central box used). */
export interface DetectOutcome {
  faces: number;
  used: Detection | null;
}

export interface DetectedChips {
  cache: DiskCache;
  dataDir: string;
  detector: FaceDetector;
  landmarks: LandmarkDetector;
  inputSize: number;
  /** Cache keys for an image's chip and its outcome. */
  chipKey: (img: string) => string;
  outcomeKey: (img: string) => string;
}

export function cachedOutcome(cache: DiskCache, key: string): DetectOutcome | undefined {
  const raw = cache.get(key);
  return raw ? (JSON.parse(new TextDecoder().decode(raw)) as DetectOutcome) : undefined;
}

/** Detects, aligns and caches the chips of `todo` (batches of `batch`); returns nothing, everything is in the cache. */
export async function prepareDetectedChips(p: DetectedChips, todo: string[], progress: Progress, done: number, batch = 16): Promise<void> {
  for (let i = 0; i < todo.length; i += batch) {
    const files = todo.slice(i, i + batch);
    const images: Image[] = files.map((f) => decodeImage(readFileSync(path.join(p.dataDir, f))));
    const dets = await p.detector.detectBatch(images, { inputSize: p.inputSize });
    for (let k = 0; k < files.length; k++) {
      const image = images[k], d = centralDetection(dets[k], image.width, image.height);
      const chip = d ? (await alignDetections(p.landmarks, image, [d]))[0].chip : (await alignBatch(p.landmarks, [{ image, box: centralBox(image.width, image.height) }]))[0].chip;
      const outcome: DetectOutcome = { faces: dets[k].length, used: d ?? null };
      p.cache.put(p.outcomeKey(files[k]), new TextEncoder().encode(JSON.stringify(outcome)));
      p.cache.put(p.chipKey(files[k]), chip.data as Uint8Array);
    }
    done += files.length;
    progress.update(done);
  }
}

export interface DetectionSummary {
  images: number;
  /** Images with no face found (aligned on the central box instead). */
  missed: string[];
  /** Images with more than one face found (the most central was used). */
  several: number;
  text: string;
}

export function detectionSummary(images: string[], outcome: (img: string) => DetectOutcome): DetectionSummary {
  const missed = images.filter((f) => outcome(f).faces === 0);
  const several = images.filter((f) => outcome(f).faces > 1).length;
  const pct = (n: number) => `${((100 * n) / images.length).toFixed(2)}%`;
  const text = `detector: a face found in ${images.length - missed.length} of ${images.length} images (${pct(images.length - missed.length)}); ` +
    `no face in ${missed.length} (${pct(missed.length)}: aligned on the central box instead); several faces in ${several} (the most central used)`;
  return { images: images.length, missed, several, text };
}

/** bench/results/lfw-detector.{md,json}: the uncompressed row with detector boxes, and every miss. */
export function writeDetectorReport(dir: string, row: Row, s: DetectionSummary, argv: string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'lfw-detector.json'), JSON.stringify({ row, missed: s.missed, several: s.several }, null, 1) + '\n');
  const md = `# LFW with face detector boxes

Command: \`nice -n 10 npm run bench -- ${['lfw', ...argv.filter((a) => a !== 'lfw')].join(' ')}\`

${s.text}.

| codec | setting | bpp | accuracy (%) | std (%) | ROC AUC | TAR@FAR=1e-2 | pairs | images |
|---|---|---|---|---|---|---|---|---|
| ${row.codec} | ${row.setting} | ${row.bpp.toFixed(3)} | ${(100 * row.accuracy).toFixed(2)} | ${(100 * row.std).toFixed(2)} | ${row.auc.toFixed(4)} | ${row.tar_far1e2.toFixed(4)} | ${row.pairs} | ${row.images} |

Images with no face found: ${s.missed.length ? `${s.missed.length}\n\n${s.missed.map((f) => `- ${f}`).join('\n')}` : 'none'}.
`;
  writeFileSync(path.join(dir, 'lfw-detector.md'), md);
}
