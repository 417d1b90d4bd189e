// facecodec encode / decode / info / compare.
import { writeFile } from 'node:fs/promises';
import type { BackendName } from '../backends/index.ts';
import { args, type Usage } from './args.ts';
import { readBytes, withFile } from './files.ts';
import { limitsFrom, LIMIT_FLAGS, LIMITS_USAGE } from './limits.ts';
import { loadCodec, readContainer, MODELS, DEFAULT_MODEL_ID, EFFORT_ITERATIONS, type Codec, type DecodeLimits } from '../codec/codec.ts';
import { decodeImage, encodePng, sniffFormat } from '../image/codecs.ts';
import type { Image } from '../image/image.ts';
import { distance, loadRecognizer, SAME_PERSON_THRESHOLD } from '../models/recognizer.ts';
import { loadFaceFinder, PHOTO_FALLBACK_SIZES } from '../models/faces.ts';
import { RECOGNIZER_SIZE as CHIP_SIZE } from '../models/recognizer-graph.ts';

/** A model name (v3) or id (3) from the command line. */
function modelId(name: string, Usage: Usage): number {
  const id = Object.entries(MODELS).find(([k, v]) => v === name || k === name)?.[0];
  if (!id) throw new Usage(`--model must be one of ${Object.values(MODELS).join(', ')}`);
  return Number(id);
}

/** Codecs by model id, loaded on first use: a file is always restored by the model that wrote it. */
function codecsByModel(backend: BackendName, limits: DecodeLimits = {}): (id: number) => Promise<Codec> {
  const loaded = new Map<number, Promise<Codec>>();
  return (id) => {
    if (!MODELS[id]) return Promise.reject(new Error(`file was made by model #${id}, which this build does not have (known: ${Object.values(MODELS).join(', ')})`));
    if (!loaded.has(id)) loaded.set(id, loadCodec({ backend, modelId: id, ...limits }));
    return loaded.get(id)!;
  };
}

/**
 * What encode compresses: a 150x150 image is taken as an aligned chip; any other photo is searched for
 * faces and its largest face's chip is encoded (said on stderr); no face is an error (--whole encodes
 * the whole image as it is).
 */
async function largestFace(file: string, image: Image, backend: BackendName): Promise<Image> {
  if (image.width === CHIP_SIZE && image.height === CHIP_SIZE) return image;
  const finder = await loadFaceFinder({ backend });
  const faces = await finder.find(image, { fallbackSizes: PHOTO_FALLBACK_SIZES });
  finder.dispose();
  if (faces.length === 0) throw new Error(`${file}: no face found in this ${image.width}x${image.height} photo (encode a 150x150 chip, or give --whole to encode the whole image)`);
  const { box } = faces[0].detection;
  console.error(`${file}: encoding the largest of ${faces.length} face${faces.length > 1 ? 's' : ''} found (box ${[box.x, box.y, box.width, box.height].map(Math.round).join(',')}) as a ${CHIP_SIZE}x${CHIP_SIZE} chip`);
  return faces[0].chip;
}

export async function encodeCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(
    argv,
    { quality: { type: 'string', short: 'q', default: '50' }, effort: { type: 'string', default: '0' }, whole: { type: 'boolean', default: false }, out: { type: 'string', short: 'o' }, backend: { type: 'string', default: 'wasm' }, model: { type: 'string', default: MODELS[DEFAULT_MODEL_ID] }, ...LIMIT_FLAGS },
    Usage,
  );
  if (positionals.length !== 1 || !values.out) throw new Usage(`usage: facecodec encode <in.jpg|png> [-q 1..100] [--effort 0..${EFFORT_ITERATIONS.length - 1}] [--model ${Object.values(MODELS).join('|')}] [--whole] ${LIMITS_USAGE} -o out.png`);
  const limits = limitsFrom(values, Usage);
  const quality = Number(values.quality), effort = Number(values.effort);
  if (!Number.isInteger(effort) || effort < 0 || effort >= EFFORT_ITERATIONS.length) throw new Usage(`--effort must be an integer 0..${EFFORT_ITERATIONS.length - 1}`);
  const file = positionals[0];
  const id = modelId(values.model as string, Usage);
  const photo = await withFile(file, async () => decodeImage(await readBytes(file, limits), limits));
  const codec = await loadCodec({ backend: values.backend as BackendName, modelId: id, ...limits });
  const image = values.whole ? photo : await largestFace(file, photo, values.backend as BackendName);
  const png = await codec.encode(image, { quality, effort });
  await writeFile(values.out as string, png);
  console.log(`${values.out}: ${png.length} bytes, ${((png.length * 8) / (image.width * image.height)).toFixed(3)} bpp (${image.width}x${image.height}, quality ${quality}${effort ? `, effort ${effort}` : ''})`);
  return 0;
}

export async function decodeCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { out: { type: 'string', short: 'o' }, backend: { type: 'string', default: 'wasm' }, ...LIMIT_FLAGS }, Usage);
  if (positionals.length !== 1 || !values.out) throw new Usage(`usage: facecodec decode <in.png> ${LIMITS_USAGE} -o chip.png`);
  const limits = limitsFrom(values, Usage);
  const file = positionals[0];
  const bytes = await readBytes(file, limits);
  const codecFor = codecsByModel(values.backend as BackendName, limits);
  const image = await withFile(file, async () => (await codecFor(readContainer(bytes, limits).header.modelId)).decode(bytes));
  await writeFile(values.out as string, encodePng(image));
  console.log(`${values.out}: ${image.width}x${image.height} restored from ${bytes.length} bytes`);
  return 0;
}

/** An image file; facecodec PNGs (those with an fcHd chunk) are restored by the model that wrote them. */
async function loadFace(file: string, codecFor: (id: number) => Promise<Codec>, limits: DecodeLimits): Promise<Image> {
  const bytes = await readBytes(file, limits);
  return withFile(file, async () => {
    if (sniffFormat(bytes) === 'png') {
      let header;
      try {
        header = readContainer(bytes, { ...limits, maxPixels: 65535 * 65535 }).header;
      } catch {
        // not a facecodec PNG: an ordinary image (a corrupt one fails in decodeImage below)
      }
      if (header) return (await codecFor(header.modelId)).decode(bytes);
    }
    return decodeImage(bytes, limits);
  });
}

export async function compareCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { backend: { type: 'string', default: 'wasm' }, json: { type: 'boolean', default: false }, ...LIMIT_FLAGS }, Usage);
  if (positionals.length !== 2) throw new Usage(`usage: facecodec compare <a> <b> ${LIMITS_USAGE}`);
  const limits = limitsFrom(values, Usage);
  const codecFor = codecsByModel(values.backend as BackendName, limits);
  const [a, b] = [await loadFace(positionals[0], codecFor, limits), await loadFace(positionals[1], codecFor, limits)];
  const rec = await loadRecognizer({ backend: values.backend as BackendName });
  const [da, db] = await rec.embedBatch([a, b]);
  const d = distance(da, db);
  const same = d < SAME_PERSON_THRESHOLD;
  console.log(values.json ? JSON.stringify({ a: positionals[0], b: positionals[1], distance: +d.toFixed(6), threshold: SAME_PERSON_THRESHOLD, same }) : `distance ${d.toFixed(4)} (threshold ${SAME_PERSON_THRESHOLD}): ${same ? 'same person' : 'different people'}`);
  return 0;
}
