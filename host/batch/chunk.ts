// One chunk of a batch: read and check each input, run the op on equal-size groups together
// (codec.encodeBatch/decodeBatch, recognizer.embedBatch), write each output atomically. Any input's
// own failure (unreadable, not an image, too large, no face) is that item's result; the rest go on.
// An item whose output already exists is skipped, so running a chunk twice changes nothing.
import { readFileSync, statSync } from 'node:fs';
import { readContainer } from '../codec/codec.ts';
import { decodeImage, encodePng } from '../image/codecs.ts';
import type { Image } from '../image/image.ts';
import { alignBatch, centralBox } from '../models/align.ts';
import type { Engine, BatchSettings } from './engine.ts';
import { checkFace } from './face-check.ts';
import type { Item } from './inputs.ts';
import { isDone, writeAtomic } from './outputs.ts';

export interface ItemResult {
  rel: string;
  /** done: written now; skipped: its output was there already; failed: see error. */
  status: 'done' | 'skipped' | 'failed';
  bytesIn: number;
  bytesOut: number;
  /** Pixels of the face image (the original for encode, the restored one for decode). */
  pixels: number;
  error?: string;
}

/** An item on its way through the chunk. */
interface Work {
  k: number;
  item: Item;
  bytes: Uint8Array;
  image?: Image;
  modelId?: number;
  pixels: number;
}

const BATCH = 8;

export async function processChunk(engine: Engine, s: BatchSettings, items: Item[]): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(items.length);
  const fail = (w: { k: number; item: Item; bytes?: Uint8Array }, e: unknown) => {
    results[w.k] = { rel: w.item.rel, status: 'failed', bytesIn: w.bytes?.length ?? 0, bytesOut: 0, pixels: 0, error: (e as Error).message ?? String(e) };
  };
  let work: Work[] = [];
  items.forEach((item, k) => {
    if (isDone(item.out)) results[k] = { rel: item.rel, status: 'skipped', bytesIn: 0, bytesOut: 0, pixels: 0 };
    else {
      try {
        work.push(readInput(s, item, k));
      } catch (e) {
        fail({ k, item }, e);
      }
    }
  });
  if (s.align && s.op !== 'decode') work = await alignAll(engine, work, fail);
  const write = (w: Work, out: Uint8Array) => {
    try {
      writeAtomic(w.item.out, out);
      results[w.k] = { rel: w.item.rel, status: 'done', bytesIn: w.bytes.length, bytesOut: out.length, pixels: w.pixels };
    } catch (e) {
      fail(w, new Error(`cannot write ${w.item.out}: ${(e as Error).message}`));
    }
  };
  if (s.op === 'encode') {
    const codec = await engine.codecFor(s.modelId);
    await inGroups(work, (w) => `${w.image!.width}x${w.image!.height}`, (g) => codec.encodeBatch(g.map((w) => w.image!), { quality: s.quality }), write, fail);
  } else if (s.op === 'embed') {
    const rec = await engine.recognizer();
    await inGroups(work, () => '', (g) => rec.embedBatch(g.map((w) => w.image!)), (w, d) => write(w, descriptorBytes(d)), fail);
  } else {
    const decodeGroup = async (g: Work[]) => (await engine.codecFor(g[0].modelId!)).decodeBatch(g.map((w) => w.bytes));
    await inGroups(work, (w) => String(w.modelId), decodeGroup, (w, img) => write(w, encodePng(img)), fail);
  }
  return results;
}

/** Reads one input and checks it: size on disk, then (encode, embed) the image or (decode) the container. */
function readInput(s: BatchSettings, item: Item, k: number): Work {
  let bytes: Uint8Array;
  try {
    const size = statSync(item.src).size;
    if (size > s.maxBytes) throw new Error(`file is ${size} bytes, over the limit of ${s.maxBytes}`);
    bytes = new Uint8Array(readFileSync(item.src));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no such file' : code ? `cannot read: ${(e as Error).message}` : (e as Error).message);
  }
  if (s.op === 'decode') {
    const { header } = readContainer(bytes, s.maxPixels);
    return { k, item, bytes, modelId: header.modelId, pixels: header.width * header.height };
  }
  const image = decodeImage(bytes, { maxPixels: s.maxPixels });
  return { k, item, bytes, image, pixels: image.width * image.height };
}

/** Photos -> 150x150 chips (landmarks in the central box, dlib's chip); those without a face fail. */
async function alignAll(engine: Engine, work: Work[], fail: (w: Work, e: unknown) => void): Promise<Work[]> {
  const det = await engine.landmarks();
  const kept: Work[] = [];
  const align = (g: Work[]) => alignBatch(det, g.map((w) => ({ image: w.image!, box: centralBox(w.image!.width, w.image!.height) })));
  await inGroups(work, () => '', align, (w, { chip, landmarks }) => {
    try {
      checkFace(landmarks);
      kept.push({ ...w, image: chip, pixels: chip.width * chip.height });
    } catch (e) {
      fail(w, e);
    }
  }, fail);
  return kept.sort((a, b) => a.k - b.k);
}

/**
 * Runs `run` on groups of equal key, BATCH at a time; when a group fails, its members run one by one so
 * that only the bad one fails.
 */
async function inGroups<R>(work: Work[], key: (w: Work) => string, run: (g: Work[]) => Promise<R[]>, done: (w: Work, r: R) => void, fail: (w: Work, e: unknown) => void): Promise<void> {
  const groups = new Map<string, Work[]>();
  for (const w of work) groups.set(key(w), [...(groups.get(key(w)) ?? []), w]);
  for (const members of groups.values())
    for (let i = 0; i < members.length; i += BATCH) {
      const g = members.slice(i, i + BATCH);
      let out: R[] | undefined;
      try {
        out = await run(g);
      } catch (e) {
        if (g.length === 1) fail(g[0], e);
      }
      if (out) g.forEach((w, j) => done(w, out![j]));
      else if (g.length > 1)
        for (const w of g) {
          try {
            done(w, (await run([w]))[0]);
          } catch (e) {
            fail(w, e);
          }
        }
    }
}

/** A descriptor as 128 little-endian float32 (512 bytes). */
export function descriptorBytes(d: Float32Array): Uint8Array {
  const out = new Uint8Array(d.length * 4);
  const dv = new DataView(out.buffer);
  d.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}
