// Image codecs for the rate-accuracy benchmark. Each maps an RGB chip and a numeric setting to a
// whole file (headers included: bpp counts every byte) and decodes it back to RGB. The codec
// libraries are devDependencies, loaded only when a codec is used.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Image } from '../../host/image/image.ts';
import { modelHash, FORMAT_VERSION, DEFAULT_MODEL_ID, MODELS, MODEL_REGISTRY, EFFORT_ITERATIONS } from '../../host/codec/codec.ts';
import { effortWeightsFor, type EffortWeights } from '../../host/codec/effort.ts';
import { mainPairName, pooledPairName, pooledPairOf } from '../../host/codec/models.ts';
import { CHROMA_GRID } from '../../host/codec/chroma.ts';
import { contractOf, deltaFor, lumaOnlyAt, pooledAt } from '../../host/codec/contract.ts';
import { loadModel } from '../../host/format/model.ts';
import { createBackend } from '../../host/backends/index.ts';
import { EncodedPack } from './pack.ts';

export interface Codec {
  id: string;
  /** What the numeric setting means. */
  setting: string;
  /** Default grid, spanning about 0.1 to 1.5 bpp on 150x150 LFW chips where the codec can. */
  defaults: number[];
  encode(rgb: Image, setting: number): Promise<Uint8Array>;
  decode(file: Uint8Array): Promise<Image>;
  /** Cache namespace when results depend on more than id and setting (model weights). */
  cacheId?: string;
}

const require = createRequire(import.meta.url);

function rgbOf(img: Image): Uint8Array {
  if (img.channels === 3 && img.data instanceof Uint8Array) return img.data;
  const n = img.width * img.height, out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * img.channels + (img.channels === 1 ? 0 : c)];
  return out;
}

async function loadSharp() {
  try {
    return (await import('sharp')).default;
  } catch {
    throw new Error('this codec needs the "sharp" package (npm install sharp)');
  }
}

function sharpCodec(id: string, setting: string, defaults: number[], opts: (s: number) => Record<string, unknown>, format: 'jpeg' | 'webp' | 'avif'): Codec {
  return {
    id,
    setting,
    defaults,
    async encode(img, s) {
      const sharp = await loadSharp();
      const pipe = sharp(rgbOf(img), { raw: { width: img.width, height: img.height, channels: 3 } });
      return new Uint8Array(await pipe[format](opts(s) as never).toBuffer());
    },
    async decode(file) {
      const sharp = await loadSharp();
      const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
    },
  };
}

interface OpenJpegModule {
  J2KEncoder: new () => {
    getDecodedBuffer(fi: object): Uint8Array;
    setQuality(lossless: boolean, layers: number): void;
    setCompressionRatio(layer: number, ratio: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete?(): void;
  };
  J2KDecoder: new () => {
    getEncodedBuffer(n: number): Uint8Array;
    decode(): void;
    getDecodedBuffer(): Uint8Array;
    getFrameInfo(): { width: number; height: number; componentCount: number };
    delete?(): void;
  };
}
let openjpeg: Promise<OpenJpegModule> | undefined;
function loadOpenJpeg(): Promise<OpenJpegModule> {
  openjpeg ??= (async () => {
    let factory: (o?: object) => Promise<OpenJpegModule>;
    try {
      factory = require('@cornerstonejs/codec-openjpeg/wasmjs');
    } catch {
      throw new Error('the jpeg2000 codec needs "@cornerstonejs/codec-openjpeg"');
    }
    // Its emscripten glue prints [INFO]/[WARNING] lines per image; keep them off the console.
    return factory({ print: () => {}, printErr: () => {} });
  })();
  return openjpeg;
}

const jpeg2000: Codec = {
  id: 'jpeg2000',
  setting: 'compression ratio (24 bits per pixel / ratio = target bpp, headers on top)',
  defaults: [240, 120, 80, 48, 32, 16],
  async encode(img, ratio) {
    const m = await loadOpenJpeg();
    const enc = new m.J2KEncoder();
    try {
      enc.getDecodedBuffer({ width: img.width, height: img.height, bitsPerSample: 8, componentCount: 3, isSigned: false }).set(rgbOf(img));
      enc.setQuality(false, 1); // irreversible 9/7 wavelet, one quality layer
      enc.setCompressionRatio(0, ratio);
      enc.encode();
      return Uint8Array.from(enc.getEncodedBuffer());
    } finally {
      enc.delete?.();
    }
  },
  async decode(file) {
    const m = await loadOpenJpeg();
    const dec = new m.J2KDecoder();
    try {
      dec.getEncodedBuffer(file.length).set(file);
      dec.decode();
      const fi = dec.getFrameInfo();
      return { data: Uint8Array.from(dec.getDecodedBuffer()), width: fi.width, height: fi.height, channels: fi.componentCount };
    } finally {
      dec.delete?.();
    }
  },
};

type JxlEncode = (data: { data: Uint8ClampedArray; width: number; height: number }, o: object) => Promise<ArrayBuffer>;
type JxlDecode = (b: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }>;
let jxl: Promise<{ encode: JxlEncode; decode: JxlDecode }> | undefined;
function loadJxl() {
  jxl ??= (async () => {
    let encMod, decMod;
    try {
      encMod = await import('@jsquash/jxl/encode.js');
      decMod = await import('@jsquash/jxl/decode.js');
    } catch {
      throw new Error('the jxl codec needs "@jsquash/jxl"');
    }
    // In Node the emscripten glue cannot fetch its .wasm: compile it here and hand it over.
    const wasm = (p: string) => new WebAssembly.Module(readFileSync(require.resolve(`@jsquash/jxl/codec/${p}`)));
    await encMod.init(wasm('enc/jxl_enc.wasm'));
    await decMod.init(wasm('dec/jxl_dec.wasm'));
    return { encode: encMod.default as unknown as JxlEncode, decode: decMod.default as unknown as JxlDecode };
  })();
  return jxl;
}

const jxlCodec: Codec = {
  id: 'jxl',
  setting: 'quality (libjxl via @jsquash/jxl, effort 3)',
  defaults: [1, 15, 30, 50, 70, 90],
  async encode(img, q) {
    const { encode } = await loadJxl();
    const rgb = rgbOf(img), rgba = new Uint8ClampedArray(img.width * img.height * 4);
    for (let p = 0; p < img.width * img.height; p++) {
      rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = 255;
    }
    return new Uint8Array(await encode({ data: rgba, width: img.width, height: img.height }, { quality: q, effort: 3 }));
  },
  async decode(file) {
    const { decode } = await loadJxl();
    const r = await decode(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    return { data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength), width: r.width, height: r.height, channels: 4 };
  },
};

/** Uncompressed: the 8-bit RGB samples themselves, 24 bpp. */
const none: Codec = {
  id: 'none',
  setting: 'none (raw 8-bit RGB, 24 bpp)',
  defaults: [0],
  async encode(img) {
    return Uint8Array.from(rgbOf(img));
  },
  async decode() {
    throw new Error('none is not decoded');
  },
};

/**
 * Threads of the wasm backend facecodec codecs load on (default the backend's own, 2). Pack filling
 * (bench/effort-encode.ts) runs one process per core, where one thread each avoids oversubscribing.
 */
let wasmThreads: number | undefined;
export const setWasmThreads = (n: number) => {
  wasmThreads = n;
};
const wasmBackend = () => (wasmThreads ? createBackend('wasm', { wasm: { threads: wasmThreads } }) : 'wasm');

/** Effort's objective in a pack's name and a codec id: i<identity>r<rate>, then l2 for the squared-error term. */
const objectiveTag = (w: EffortWeights) => `i${w.identity}r${w.rate}${w.reconstruction === 'l2' ? 'l2' : ''}`;

/**
 * facecodec itself (weights/compnet-<name> + recnet-<name> on the wasm backend); setting = quality
 * 1..100. At encode effort > 0 (codec id `<id>@e<effort>`) the files are also kept in a committed
 * pack (bench/results/encoded/), since they cost seconds each: a rerun, here or on another machine,
 * reads them back instead of encoding again.
 */
function facecodecCodec(id: string, modelId: number, name: string, dir?: string, effort = 0, objective?: EffortWeights): Codec {
  const ew = objective ?? effortWeightsFor(modelId);
  let codec: Promise<import('../../host/codec/codec.ts').Codec> | undefined;
  // A registered model's main pair may be another model's files (models.ts mainPair).
  const entry = MODEL_REGISTRY.find((m) => m.id === modelId);
  const main = modelId && entry ? mainPairName(entry) : name;
  const weights = (k: string, n = main) => (dir ? pathToFileURL(path.resolve(dir, `${k}-${n}.safetensors`)) : new URL(`../../weights/${k}-${n}.safetensors`, import.meta.url));
  // A pooled-tier pair: a registered model's where the registry says so, a candidate's where its files are there.
  const pooled = modelId ? entry && pooledPairOf(entry) : existsSync(weights('compnet', pooledPairName(name))) ? pooledPairName(name) : undefined;
  const pooledFiles = () => (pooled ? { compnetPooled: weights('compnet', pooled), recnetPooled: weights('recnet', pooled) } : {});
  // Registered models load by id; candidates (facecodec@<name>) by file, with model id 0.
  const load = () => (codec ??= import('../../host/codec/codec.ts').then(async (m) => m.loadCodec({ ...(modelId ? { modelId } : { modelId: 0, compnet: weights('compnet'), recnet: weights('recnet'), ...pooledFiles() }), effortWeights: objective, backend: await wasmBackend() })));
  let cacheId: string | undefined;
  const packs = new Map<number, EncodedPack>();
  const getCacheId = () => {
    if (!cacheId) {
      // The container version is part of the key: a new container changes the bytes, not the pixels.
      // So is the chroma grid of luma-only files, for a model that writes them (it changes both).
      // The weights by the hash files carry (codec.ts pairHash): a pair re-stored in F16
      // (weights/store-f16.ts) declares its release's, so its packs and scores stay found (its
      // decodes are within 1 level of the release's, bench/results/f16-fidelity.md).
      const pairOf = (n: string) => {
        const [cb, rb] = ['compnet', 'recnet'].map((k) => new Uint8Array(readFileSync(weights(k, n))));
        return { comp: loadModel(cb), rec: loadModel(rb), cb, rb };
      };
      const mainPair = pairOf(main), pooledPair = pooled ? pairOf(pooled) : undefined;
      // The model's contract: its pooled pair's where it has one (codec.ts loadPooledPair).
      const contract = contractOf((pooledPair ?? mainPair).comp.metadata);
      const lumaOnly = !pooledAt(contract, 1) && lumaOnlyAt(contract, deltaFor(contract, 1));
      cacheId = `facecodec-c${FORMAT_VERSION}${lumaOnly ? `g${CHROMA_GRID}` : ''}-${modelHash(mainPair, pooledPair).toString(16).padStart(8, '0')}`;
      // Effort's own settings too: another iteration count or objective makes other files.
      if (effort) cacheId += `-e${EFFORT_ITERATIONS[effort]}${objectiveTag(ew)}`;
    }
    return cacheId;
  };
  // One pack per quality (bench/results/encoded/<cacheId>/q<quality>.pack), so that no file grows past
  // a few MB and a quality's files can be refilled or dropped alone.
  const getPack = (q: number) => {
    let p = packs.get(q);
    if (!p) packs.set(q, (p = new EncodedPack(new URL(`../results/encoded/${getCacheId()}/q${q}.pack`, import.meta.url).pathname)));
    return p;
  };
  // Same-size images at one quality go through the networks together, 8 at a time.
  const encodeSame = async (imgs: Image[], q: number) => {
    const c = await load();
    const res: Uint8Array[] = [];
    for (let k = 0; k < imgs.length; k += 8) res.push(...(await c.encodeBatch(imgs.slice(k, k + 8), { quality: q, effort })));
    return res;
  };
  const sameShape = (items: Array<[Image, number]>) =>
    items.every(([i, s]) => s === items[0][1] && i.width === items[0][0].width && i.height === items[0][0].height);
  const encodeItems = async (items: Array<[Image, number]>) => {
    if (sameShape(items)) return encodeSame(items.map(([i]) => i), items[0][1]);
    const out: Uint8Array[] = [];
    for (const [img, q] of items) out.push(...(await encodeSame([img], q)));
    return out;
  };
  // With effort: files already in the pack are read back; the rest are encoded and appended.
  const encodePacked = async (items: Array<[Image, number]>) => {
    const out = items.map(([img, q]) => getPack(q).get(q, img));
    const todo = items.map((it, k) => [it, k] as const).filter(([, k]) => !out[k]);
    const made = todo.length ? await encodeItems(todo.map(([it]) => it)) : [];
    todo.forEach(([[img, q], k], j) => {
      getPack(q).put(q, img, made[j]);
      out[k] = made[j];
    });
    return out as Uint8Array[];
  };
  return {
    id: effort ? `${id}@e${effort}${objective ? `:${objectiveTag(objective)}` : ''}` : id,
    setting: `quality 1..100 (quantisation step 128..2 of the compact code)${effort ? `, encode effort ${effort}` : ''}`,
    defaults: [1, 15, 50, 90],
    get cacheId() {
      return getCacheId();
    },
    // Calls arriving in the same tick (the benchmark runs a batch of images concurrently) are batched
    // through the networks together.
    encode: microBatch(effort ? encodePacked : encodeItems, (img: Image, q: number) => [img, q] as [Image, number]),
    decode: microBatch(async (files: Uint8Array[]) => (await load()).decodeBatch(files), (f) => f),
  };
}

/** Wraps a batch function so that calls made in the same tick run as one batch. */
function microBatch<A extends unknown[], T, R>(
  run: (items: T[]) => Promise<R[]>,
  item: (...a: A) => T,
): (...a: A) => Promise<R> {
  let queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  const flush = async () => {
    const q = queue;
    queue = [];
    try {
      const items = q.map((e) => e.item);
      const res = await run(items);
      q.forEach((e, i) => e.resolve(res[i]));
    } catch (e) {
      q.forEach((x) => x.reject(e));
    }
  };
  return (...a: A) =>
    new Promise<R>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ item: item(...a), resolve, reject });
    });
}

export const CODECS: Record<string, Codec> = {
  none,
  jpeg: sharpCodec('jpeg', 'quality (libjpeg-style tables, 4:2:0, optimised Huffman)', [1, 5, 10, 20, 40, 80], (q) => ({ quality: q, chromaSubsampling: '4:2:0', mozjpeg: false, optimiseCoding: true }), 'jpeg'),
  jpeg2000,
  webp: sharpCodec('webp', 'quality (libwebp, effort 4)', [1, 10, 25, 45, 70, 90], (q) => ({ quality: q, effort: 4 }), 'webp'),
  avif: sharpCodec('avif', 'quality (libaom via sharp, effort 2, 4:2:0)', [1, 15, 30, 60, 90], (q) => ({ quality: q, effort: 2, chromaSubsampling: '4:2:0' }), 'avif'),
  jxl: jxlCodec,
  // The default model as 'facecodec', and every registered model as 'facecodec-<name>'.
  facecodec: facecodecCodec('facecodec', DEFAULT_MODEL_ID, MODELS[DEFAULT_MODEL_ID]),
  ...Object.fromEntries(MODEL_REGISTRY.map((m) => [`facecodec-${m.name}`, facecodecCodec(`facecodec-${m.name}`, m.id, m.name)])),
};

/**
 * loadCodec's model options for an unregistered candidate DIR/NAME: DIR/compnet-NAME and
 * DIR/recnet-NAME, and its pooled tier's pair DIR/compnet-NAME-pooled etc. where those exist; model id 0.
 */
export function candidateModel(spec: string): { modelId: 0; compnet: string; recnet: string; compnetPooled?: string; recnetPooled?: string } {
  const file = (part: string, name = path.basename(spec)) => path.join(path.dirname(spec), `${part}-${name}.safetensors`);
  const pooled = pooledPairName(path.basename(spec));
  return { modelId: 0, compnet: file('compnet'), recnet: file('recnet'), ...(existsSync(file('compnet', pooled)) && { compnetPooled: file('compnet', pooled), recnetPooled: file('recnet', pooled) }) };
}

export function getCodec(id: string): Codec {
  // <facecodec codec>@e<effort>: that model at encode effort > 0 (files kept in bench/results/encoded/).
  // <facecodec codec>@e<effort>:i<identity>r<rate>[l2]: with that effort objective instead of the model's own (effortWeightsFor).
  const withEffort = /^(facecodec(?:-[\w.]+)?)@e(\d+)(?::i([\d.]+)r([\d.]+)(l2)?)?$/.exec(id);
  if (withEffort && !CODECS[id]) {
    const effort = Number(withEffort[2]);
    const objective = withEffort[3] === undefined ? undefined : { identity: Number(withEffort[3]), rate: Number(withEffort[4]), reconstruction: withEffort[5] ? ('l2' as const) : ('l1' as const) };
    const model = withEffort[1] === 'facecodec' ? MODEL_REGISTRY.find((m) => m.id === DEFAULT_MODEL_ID) : MODEL_REGISTRY.find((m) => `facecodec-${m.name}` === withEffort[1]);
    if (!model) throw new Error(`unknown codec "${withEffort[1]}"`);
    if (!(effort >= 1 && effort < EFFORT_ITERATIONS.length)) throw new Error(`effort must be 1..${EFFORT_ITERATIONS.length - 1} in "${id}"`);
    CODECS[id] = facecodecCodec(withEffort[1], model.id, model.name, undefined, effort, objective);
  }
  // facecodec@<dir>/<name>: an unregistered model, <dir>/compnet-<name> + recnet-<name> (tuning runs).
  const candidate = /^facecodec@(.+)$/.exec(id);
  if (candidate) return (CODECS[id] ??= facecodecCodec(id, 0, path.basename(candidate[1]), path.dirname(candidate[1])));
  const c = CODECS[id];
  if (!c) throw new Error(`unknown codec "${id}" (known: ${Object.keys(CODECS).join(', ')})`);
  return c;
}
