// facecodec align <image...> -o <dir> [--box x,y,w,h | --central] [--passes N]: writes dlib-style 150x150
// chips (PNG). By default the face detector finds every face and each gets a chip, largest first
// (photo.png, photo-2.png, ...); --box or --central align one face at a known place instead.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { args } from './args.ts';
import { createBackend, type BackendName } from '../backends/index.ts';
import { decodeImage, encodePng } from '../image/codecs.ts';
import type { Image } from '../image/image.ts';
import { loadLandmarks, type Box, type LandmarkDetector } from '../models/landmarks.ts';
import { alignBatch, centralBox } from '../models/align.ts';
import { FaceFinder, PHOTO_FALLBACK_SIZES, type FoundFace } from '../models/faces.ts';
import { loadDetector } from '../models/detector.ts';

export class AlignUsageError extends Error {}

export function parseBox(s: string): Box {
  const v = s.split(',').map(Number);
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[2] <= 0 || v[3] <= 0) throw new AlignUsageError(`--box needs x,y,width,height with a positive size (got "${s}")`);
  return { x: v[0], y: v[1], width: v[2], height: v[3] };
}

/** The clear error for an image with no face, naming the ways to align it anyway. */
export const noFaceMessage = (file: string) => `${file}: no face found (give --box x,y,w,h, or --central for a face-centred crop)`;

export async function alignCmd(argv: string[], UsageError: new (m: string) => Error = AlignUsageError): Promise<number> {
  const { values, positionals } = args(
    argv,
    { out: { type: 'string', short: 'o' }, box: { type: 'string' }, central: { type: 'boolean', default: false }, passes: { type: 'string', default: '1' }, backend: { type: 'string', default: 'wasm' }, landmarks: { type: 'boolean', default: false } },
    UsageError,
  );
  if (positionals.length === 0) throw new UsageError('align needs at least one image');
  if (!values.out) throw new UsageError('align needs -o <dir>');
  let box: Box | undefined;
  try {
    box = values.box ? parseBox(values.box) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (box && values.central) throw new UsageError('give --box or --central, not both');
  const passes = Number(values.passes);
  if (!Number.isInteger(passes) || passes < 1) throw new UsageError('--passes must be a positive integer');
  mkdirSync(values.out, { recursive: true });
  const backend = await createBackend(values.backend as BackendName);
  const lm = await loadLandmarks({ backend });
  const finder = box || values.central ? undefined : new FaceFinder(await loadDetector({ backend }), lm);
  const used = new Set<string>();
  let missed = 0;
  for (const file of positionals) {
    let image;
    try {
      image = decodeImage(readFileSync(file));
    } catch (e) {
      throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const faces = finder ? await finder.find(image, { passes, fallbackSizes: PHOTO_FALLBACK_SIZES }) : await alignAt(lm, image, box ?? centralBox(image.width, image.height), passes);
    if (faces.length === 0) {
      process.stderr.write(`${noFaceMessage(file)}\n`);
      missed++;
      continue;
    }
    let name = path.basename(file).replace(/\.[^.]*$/, '');
    while (used.has(name)) name += '_';
    used.add(name);
    const outs = faces.map(({ chip, landmarks }, i) => {
      const base = path.join(values.out!, i === 0 ? name : `${name}-${i + 1}`);
      writeFileSync(`${base}.png`, encodePng(chip));
      if (values.landmarks) writeFileSync(`${base}.landmarks.json`, JSON.stringify(Array.from(landmarks, (v) => +v.toFixed(2))) + '\n');
      return `${base}.png`;
    });
    process.stdout.write(finder ? `${file}: ${faces.length} face${faces.length > 1 ? 's' : ''} -> ${outs.join(', ')}\n` : `${file} -> ${outs[0]}\n`);
  }
  return missed ? 1 : 0;
}

async function alignAt(lm: LandmarkDetector, image: Image, box: Box, passes: number): Promise<Array<Pick<FoundFace, 'chip' | 'landmarks'>>> {
  return alignBatch(lm, [{ image, box }], { passes });
}
