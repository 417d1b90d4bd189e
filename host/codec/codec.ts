// The codec: CompNet -> quantise -> PNG (with an fcHd header chunk) -> RecNet.
//
// Bitstream: a standard grayscale PNG holding the compact code (ceil(H/4) x ceil(W/4) x 3 values,
// quantised with step delta) in one of the layouts of layout.ts, at the smallest bit depth that holds
// the samples or at 8 bits, with every PNG filter strategy tried: the encoder keeps the smallest file.
// The private ancillary chunk "fcHd" (12 bytes of data) holds: format version u8, flags u8 (bit 0:
// decorrelated rgb planes, bit 1: g420 layout), model id u8, weights hash u32 (FNV-1a of both model
// files), quality u8, original width u16, original height u16. Any PNG reader opens the file; only
// facecodec restores it.
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import { Executor } from '../executor/executor.ts';
import { loadModel, type Model } from '../format/model.ts';
import { readSource, type ModelSource } from '../format/source.ts';
import { assetUrl } from '../format/assets.ts';
import { checkImage, toRgbFloat, type Image } from '../image/image.ts';
import { CODEC_FACTOR } from '../models/codec-graph.ts';
import { CodecError, DEFAULT_READ_LIMITS, readPng, writePng, type GrayImage } from './png.ts';
import { bitDepthFor, codeToPlanes, layoutOf, maxSample, planesToCode, planeSize, CODE_LAYOUTS, FLAG_DECORRELATED, FLAG_G420, type CodeLayout } from './layout.ts';

export const FORMAT_VERSION = 1;
export const HEADER_CHUNK = 'fcHd';
export const HEADER_BYTES = 12;
/**
 * Model ids known to this build; the file names weights/compnet-<name> and recnet-<name>.
 * v1: reconstruction only, rgb layout; v2: v1 fine-tuned through the frozen recognizer (rgb);
 * v3: the default, v3r fine-tuned through the recognizer (g420 layout); v3r: v1 fine-tuned for
 * reconstruction in the g420 layout (v3's ablation twin). Id 0 marks files from unregistered models.
 */
export const MODELS: Record<number, string> = { 1: 'v1', 2: 'v2', 3: 'v3', 4: 'v3r' };
export const DEFAULT_MODEL_ID = 3;
export const DEFAULT_QUALITY = 50;

/** Quantisation steps of quality 1 and 100: the range the networks were trained on. */
export const DELTA_RANGE: [number, number] = [128, 2];

/** Quantisation step for a quality 1..100: log-spaced from 128 (quality 1) to 2 (quality 100). */
export function deltaForQuality(quality: number): number {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new CodecError(`quality must be an integer 1..100, got ${quality}`);
  const [lo, hi] = DELTA_RANGE;
  return lo * (hi / lo) ** ((quality - 1) / 99);
}

export { FLAG_DECORRELATED, FLAG_G420 } from './layout.ts';

export interface Header {
  version: number;
  flags: number;
  modelId: number;
  weightsHash: number;
  quality: number;
  width: number;
  height: number;
}

export function encodeHeader(h: Header): Uint8Array {
  const b = new Uint8Array(HEADER_BYTES);
  const dv = new DataView(b.buffer);
  dv.setUint8(0, h.version);
  dv.setUint8(1, h.flags);
  dv.setUint8(2, h.modelId);
  dv.setUint32(3, h.weightsHash);
  dv.setUint8(7, h.quality);
  dv.setUint16(8, h.width);
  dv.setUint16(10, h.height);
  return b;
}

export function decodeHeader(b: Uint8Array): Header {
  if (b.length !== HEADER_BYTES) throw new CodecError(`${HEADER_CHUNK} chunk is ${b.length} bytes, expected ${HEADER_BYTES}`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const h = { version: dv.getUint8(0), flags: dv.getUint8(1), modelId: dv.getUint8(2), weightsHash: dv.getUint32(3), quality: dv.getUint8(7), width: dv.getUint16(8), height: dv.getUint16(10) };
  if (h.version !== FORMAT_VERSION) throw new CodecError(`unsupported facecodec format version ${h.version} (this build reads ${FORMAT_VERSION})`);
  if (h.flags & ~(FLAG_DECORRELATED | FLAG_G420) || h.flags === (FLAG_DECORRELATED | FLAG_G420)) throw new CodecError(`unknown header flags ${h.flags}`);
  if (h.quality < 1 || h.quality > 100) throw new CodecError(`header quality ${h.quality} is out of range`);
  if (h.width < 1 || h.height < 1) throw new CodecError('header declares an empty image');
  return h;
}

/** FNV-1a over byte arrays: a short fingerprint of the weights a file was made with. */
export function fnv1a(...parts: Uint8Array[]): number {
  let h = 0x811c9dc5;
  for (const p of parts)
    for (let i = 0; i < p.length; i++) {
      h ^= p[i];
      h = Math.imul(h, 0x01000193);
    }
  return h >>> 0;
}

/** What decoding refuses before doing the work; each has a safe default. */
export interface DecodeLimits {
  /** Largest restored image, width x height (default 4096 x 4096). */
  maxPixels?: number;
  /** Longest file (default 64 MiB). */
  maxFileBytes?: number;
  /** Most PNG chunks, IHDR and IEND included (default 4096). */
  maxChunks?: number;
}

export const DEFAULT_MAX_PIXELS = 4096 * 4096;

/** Reads only the container: header, the stored image and the compact code [h, w, 3], without running a network. */
export function parseContainer(bytes: Uint8Array, limits: DecodeLimits | number = {}): { header: Header; image: GrayImage; code: Float32Array; h: number; w: number; depth: number; layout: CodeLayout } {
  const { maxPixels = DEFAULT_MAX_PIXELS, maxFileBytes, maxChunks } = typeof limits === 'number' ? { maxPixels: limits } : limits;
  const maxSamples = 3 * Math.ceil(maxPixels / (CODEC_FACTOR * CODEC_FACTOR)) + 3 * 4096;
  const { image, chunks } = readPng(bytes, { maxSamples, maxFileBytes, maxChunks });
  const hd = chunks.filter((c) => c.type === HEADER_CHUNK);
  if (hd.length === 0) throw new CodecError(`not a facecodec PNG: no ${HEADER_CHUNK} chunk`);
  if (hd.length > 1) throw new CodecError(`corrupt facecodec PNG: ${hd.length} ${HEADER_CHUNK} chunks`);
  const header = decodeHeader(hd[0].data);
  if (header.width * header.height > maxPixels) throw new CodecError(`declared size ${header.width}x${header.height} is over the limit of ${maxPixels} pixels`);
  const h = Math.ceil(header.height / CODEC_FACTOR), w = Math.ceil(header.width / CODEC_FACTOR);
  const layout = layoutOf(header.flags);
  const size = planeSize(layout, h, w);
  if (image.width !== size.width || image.height !== size.height) throw new CodecError(`PNG is ${image.width}x${image.height} but the header's ${header.width}x${header.height} needs ${size.width}x${size.height}`);
  const delta = deltaForQuality(header.quality);
  if (image.depth !== bitDepthFor(maxSample(header.flags, delta)) && image.depth !== 8) throw new CodecError(`bit depth ${image.depth} does not match quality ${header.quality}`);
  let code: Float32Array;
  try {
    code = planesToCode(header.flags, image, h, w, delta);
  } catch (e) {
    throw e instanceof CodecError ? new CodecError(`${e.message} (quality ${header.quality})`) : e;
  }
  return { header, image, code, h, w, depth: image.depth, layout };
}

export interface CodecOptions {
  backend?: Backend | BackendName;
  /** Default quality for encode (1..100). */
  quality?: number;
  modelId?: number;
  /** Model files (default: weights/compnet-<name>.safetensors and recnet-<name>.safetensors). */
  compnet?: ModelSource;
  recnet?: ModelSource;
  /** Largest image encode accepts and decode will restore (default 4096 x 4096). */
  maxPixels?: number;
  /** Longest file decode reads (default 64 MiB). */
  maxFileBytes?: number;
  /** Most PNG chunks decode reads (default 4096). */
  maxChunks?: number;
}

export class Codec {
  constructor(
    readonly modelId: number,
    readonly weightsHash: number,
    private comp: Executor,
    private rec: Executor,
    readonly quality: number,
    readonly maxPixels: number,
    /** How the code is laid out in the PNG: the layout the networks were trained with. */
    readonly layout: CodeLayout = 'rgb',
    /** Limits decode applies unless a call gives its own. */
    readonly limits: DecodeLimits = {},
  ) {}

  get backend(): string {
    return this.comp.backend.name;
  }

  /** PNG bytes for one image (any size; gray/RGB/RGBA, alpha ignored). */
  async encode(image: Image, opts: { quality?: number } = {}): Promise<Uint8Array> {
    return (await this.encodeBatch([image], opts))[0];
  }

  /** Images of equal size run through CompNet as one batch. */
  async encodeBatch(images: Image[], opts: { quality?: number } = {}): Promise<Uint8Array[]> {
    const quality = opts.quality ?? this.quality;
    const delta = deltaForQuality(quality);
    if (images.length === 0) return [];
    const { width: W, height: H } = images[0];
    for (const img of images) {
      checkImage(img);
      if (img.width !== W || img.height !== H) throw new CodecError('encodeBatch needs images of one size');
    }
    if (W * H > this.maxPixels) throw new CodecError(`image ${W}x${H} is over the limit of ${this.maxPixels} pixels`);
    if (W > 65535 || H > 65535) throw new CodecError('images wider or taller than 65535 pixels cannot be encoded');
    const h = Math.ceil(H / CODEC_FACTOR), w = Math.ceil(W / CODEC_FACTOR);
    const PH = h * CODEC_FACTOR, PW = w * CODEC_FACTOR;
    const batch = new Float32Array(images.length * PH * PW * 3);
    images.forEach((img, k) => padEdge(toRgbFloat(img), W, H, PW, PH, batch, k * PH * PW * 3));
    const { code } = await this.comp.run({ image: { shape: [images.length, PH, PW, 3], data: batch } });
    const n = h * w;
    return images.map((_, k) => {
      let best: Uint8Array | undefined;
      for (const planes of codeToPlanes(this.layout, code.data.subarray(k * n * 3, (k + 1) * n * 3), h, w, delta)) {
        const header = encodeHeader({ version: FORMAT_VERSION, flags: planes.flags, modelId: this.modelId, weightsHash: this.weightsHash, quality, width: W, height: H });
        for (const depth of new Set([bitDepthFor(planes.maxSample), 8])) {
          const png = writePng({ width: planes.width, height: planes.height, depth, samples: planes.samples }, [{ type: HEADER_CHUNK, data: header }]);
          if (!best || png.length < best.length) best = png;
        }
      }
      return best!;
    });
  }

  /** Restores the face chip from facecodec PNG bytes; `limits` override the codec's for this call. */
  async decode(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<Image & { data: Uint8Array }> {
    return (await this.decodeBatch([bytes], limits))[0];
  }

  /** Restores several files; those with equal code sizes go through RecNet together (8 at a time). */
  async decodeBatch(files: Uint8Array[], limits: DecodeLimits = {}): Promise<Array<Image & { data: Uint8Array }>> {
    const lim = { maxPixels: this.maxPixels, ...this.limits, ...limits };
    const parsed = files.map((bytes) => {
      const c = parseContainer(bytes, lim);
      const { header } = c;
      if (header.modelId !== this.modelId) throw new CodecError(`file was made by model ${MODELS[header.modelId] ?? `#${header.modelId}`} but this codec has ${MODELS[this.modelId]}`);
      if (header.weightsHash !== this.weightsHash) throw new CodecError(`file was made with different weights (hash ${hex(header.weightsHash)}, loaded ${hex(this.weightsHash)})`);
      if (c.layout !== this.layout) throw new CodecError(`file uses the ${c.layout} code layout but the model was trained for ${this.layout}`);
      return c;
    });
    const out: Array<Image & { data: Uint8Array }> = new Array(files.length);
    const groups = new Map<string, number[]>();
    parsed.forEach((c, i) => groups.set(`${c.h}x${c.w}`, [...(groups.get(`${c.h}x${c.w}`) ?? []), i]));
    for (const members of groups.values()) {
      for (let s = 0; s < members.length; s += 8) {
        const idx = members.slice(s, s + 8);
        const { h, w } = parsed[idx[0]];
        const n = idx.length, hw = h * w;
        const code = new Float32Array(n * hw * 3), plane = new Float32Array(n * hw);
        idx.forEach((i, k) => {
          code.set(parsed[i].code, k * hw * 3);
          plane.fill(deltaForQuality(parsed[i].header.quality) / 16, k * hw, (k + 1) * hw);
        });
        const { image } = await this.rec.run({ code: { shape: [n, h, w, 3], data: code }, delta: { shape: [n, h, w, 1], data: plane } });
        const PW = w * CODEC_FACTOR, PH = h * CODEC_FACTOR;
        idx.forEach((i, k) => {
          const { width, height } = parsed[i].header;
          const px = new Uint8Array(width * height * 3);
          const base = k * PH * PW * 3;
          for (let y = 0; y < height; y++)
            for (let x = 0; x < width; x++)
              for (let c = 0; c < 3; c++) {
                const v = image.data[base + (y * PW + x) * 3 + c];
                px[(y * width + x) * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
              }
          out[i] = { data: px, width, height, channels: 3 };
        });
      }
    }
    return out;
  }

  dispose(): void {
    this.comp.dispose();
    this.rec.dispose();
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** Copies an RGB image into a larger buffer, repeating the last row/column into the padding. */
function padEdge(src: Float32Array, W: number, H: number, PW: number, PH: number, dst: Float32Array, at: number): void {
  for (let y = 0; y < PH; y++)
    for (let x = 0; x < PW; x++) {
      const s = (Math.min(y, H - 1) * W + Math.min(x, W - 1)) * 3, d = at + (y * PW + x) * 3;
      dst[d] = src[s];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s + 2];
    }
}

export function defaultModelUrl(kind: 'compnet' | 'recnet', modelId = DEFAULT_MODEL_ID): URL {
  const name = MODELS[modelId];
  if (!name) throw new CodecError(`unknown model id ${modelId}`);
  return assetUrl(`weights/${kind}-${name}.safetensors`);
}

export async function loadCodec(opts: CodecOptions = {}): Promise<Codec> {
  const modelId = opts.modelId ?? DEFAULT_MODEL_ID;
  const [cb, rb] = await Promise.all([readSource(opts.compnet ?? defaultModelUrl('compnet', modelId)), readSource(opts.recnet ?? defaultModelUrl('recnet', modelId))]);
  const comp: Model = loadModel(cb), rec: Model = loadModel(rb);
  const layout = (comp.metadata.code_layout ?? 'rgb') as CodeLayout;
  if (!CODE_LAYOUTS.includes(layout)) throw new CodecError(`model declares an unknown code layout "${layout}"`);
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'wasm');
  const quality = opts.quality ?? DEFAULT_QUALITY;
  deltaForQuality(quality);
  return new Codec(modelId, fnv1a(cb, rb), new Executor(comp, backend), new Executor(rec, backend), quality, opts.maxPixels ?? DEFAULT_MAX_PIXELS, layout, {
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_READ_LIMITS.maxFileBytes,
    maxChunks: opts.maxChunks ?? DEFAULT_READ_LIMITS.maxChunks,
  });
}

export { CodecError } from './png.ts';
