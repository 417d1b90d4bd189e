// facecodec encode / decode / info / compare.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { BackendName } from '../backends/index.ts';
import { loadCodec, parseContainer, HEADER_BYTES, type Codec } from '../codec/codec.ts';
import { decodeImage, encodePng, sniffFormat } from '../image/codecs.ts';
import type { Image } from '../image/image.ts';
import { distance, loadRecognizer, SAME_PERSON_THRESHOLD } from '../models/recognizer.ts';

type Usage = new (m: string) => Error;

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

const withFile = async <T>(file: string, f: () => Promise<T> | T): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
};

/** parseArgs (strict, positionals allowed) with its errors rethrown as the CLI's usage error. */
export function args<O extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(argv: string[], options: O, Usage: Usage) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new Usage((e as Error).message);
  }
}

export async function encodeCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { quality: { type: 'string', short: 'q', default: '50' }, out: { type: 'string', short: 'o' }, backend: { type: 'string', default: 'wasm' } }, Usage);
  if (positionals.length !== 1 || !values.out) throw new Usage('usage: facecodec encode <in.jpg|png> [-q 1..100] -o out.png');
  const quality = Number(values.quality);
  const file = positionals[0];
  const image = await withFile(file, async () => decodeImage(await readBytes(file)));
  const codec = await loadCodec({ backend: values.backend as BackendName });
  const png = await codec.encode(image, { quality });
  await writeFile(values.out as string, png);
  console.log(`${values.out}: ${png.length} bytes, ${((png.length * 8) / (image.width * image.height)).toFixed(3)} bpp (${image.width}x${image.height}, quality ${quality})`);
  return 0;
}

export async function decodeCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { out: { type: 'string', short: 'o' }, backend: { type: 'string', default: 'wasm' } }, Usage);
  if (positionals.length !== 1 || !values.out) throw new Usage('usage: facecodec decode <in.png> -o chip.png');
  const file = positionals[0];
  const bytes = await readBytes(file);
  const codec = await loadCodec({ backend: values.backend as BackendName });
  const image = await withFile(file, () => codec.decode(bytes));
  await writeFile(values.out as string, encodePng(image));
  console.log(`${values.out}: ${image.width}x${image.height} restored from ${bytes.length} bytes`);
  return 0;
}

export async function infoCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { json: { type: 'boolean', default: false } }, Usage);
  if (positionals.length === 0) throw new Usage('usage: facecodec info <file.png...> [--json]');
  for (const file of positionals) {
    const bytes = await readBytes(file);
    const { header, h, w, depth } = await withFile(file, () => parseContainer(bytes, 65535 * 65535));
    const info = {
      file,
      model: header.modelId,
      weights_hash: header.weightsHash.toString(16).padStart(8, '0'),
      quality: header.quality,
      width: header.width,
      height: header.height,
      bytes: bytes.length,
      bpp: +((bytes.length * 8) / (header.width * header.height)).toFixed(4),
      code: `${w}x${h}x3 at ${depth} bits`,
      header_chunk_bytes: HEADER_BYTES + 12,
    };
    console.log(values.json ? JSON.stringify(info) : Object.entries(info).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  }
  return 0;
}

/** An image file; facecodec PNGs are restored first. */
async function loadFace(file: string, codec: () => Promise<Codec>): Promise<Image> {
  const bytes = await readBytes(file);
  return withFile(file, async () => {
    if (sniffFormat(bytes) === 'png') {
      try {
        parseContainer(bytes, 65535 * 65535);
        return (await codec()).decode(bytes);
      } catch {
        // not a facecodec PNG: an ordinary image
      }
    }
    return decodeImage(bytes);
  });
}

export async function compareCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { backend: { type: 'string', default: 'wasm' }, json: { type: 'boolean', default: false } }, Usage);
  if (positionals.length !== 2) throw new Usage('usage: facecodec compare <a> <b>');
  let codec: Promise<Codec> | undefined;
  const getCodec = () => (codec ??= loadCodec({ backend: values.backend as BackendName }));
  const [a, b] = [await loadFace(positionals[0], getCodec), await loadFace(positionals[1], getCodec)];
  const rec = await loadRecognizer({ backend: values.backend as BackendName });
  const [da, db] = await rec.embedBatch([a, b]);
  const d = distance(da, db);
  const same = d < SAME_PERSON_THRESHOLD;
  console.log(values.json ? JSON.stringify({ a: positionals[0], b: positionals[1], distance: +d.toFixed(6), threshold: SAME_PERSON_THRESHOLD, same }) : `distance ${d.toFixed(4)} (threshold ${SAME_PERSON_THRESHOLD}): ${same ? 'same person' : 'different people'}`);
  return 0;
}
