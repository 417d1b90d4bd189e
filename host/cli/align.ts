// facecodec align <image...> -o <dir> [--box x,y,w,h] [--passes N]: writes dlib-style 150x150 chips (PNG).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { args } from './args.ts';
import type { BackendName } from '../backends/index.ts';
import { decodeImage, encodePng } from '../image/codecs.ts';
import { loadLandmarks, type Box } from '../models/landmarks.ts';
import { alignBatch, centralBox } from '../models/align.ts';

export class AlignUsageError extends Error {}

export function parseBox(s: string): Box {
  const v = s.split(',').map(Number);
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[2] <= 0 || v[3] <= 0) throw new AlignUsageError(`--box needs x,y,width,height with a positive size (got "${s}")`);
  return { x: v[0], y: v[1], width: v[2], height: v[3] };
}

export async function alignCmd(argv: string[], UsageError: new (m: string) => Error = AlignUsageError): Promise<number> {
  const { values, positionals } = args(
    argv,
    { out: { type: 'string', short: 'o' }, box: { type: 'string' }, passes: { type: 'string', default: '1' }, backend: { type: 'string', default: 'wasm' }, landmarks: { type: 'boolean', default: false } },
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
  const passes = Number(values.passes);
  if (!Number.isInteger(passes) || passes < 1) throw new UsageError('--passes must be a positive integer');
  mkdirSync(values.out, { recursive: true });
  const det = await loadLandmarks({ backend: values.backend as BackendName });
  const used = new Set<string>();
  for (const file of positionals) {
    let image;
    try {
      image = decodeImage(readFileSync(file));
    } catch (e) {
      throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const [{ chip, landmarks }] = await alignBatch(det, [{ image, box: box ?? centralBox(image.width, image.height) }], { passes });
    let name = path.basename(file).replace(/\.[^.]*$/, '');
    while (used.has(name)) name += '_';
    used.add(name);
    const out = path.join(values.out, `${name}.png`);
    writeFileSync(out, encodePng(chip));
    if (values.landmarks) writeFileSync(path.join(values.out, `${name}.landmarks.json`), JSON.stringify(Array.from(landmarks, (v) => +v.toFixed(2))) + '\n');
    process.stdout.write(`${file} -> ${out}\n`);
  }
  return 0;
}
