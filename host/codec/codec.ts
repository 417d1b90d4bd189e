// The codec: CompNet -> quantise -> PNG (with an fcHd header chunk) -> RecNet.
//
// Bitstream: a standard grayscale PNG holding the compact code (ceil(H/4) x ceil(W/4) x 3 values,
// quantised with step delta) in one of the layouts of layout.ts, at the smallest bit depth that holds
// the samples or at 8 bits, with every PNG filter strategy tried and the smallest candidates deflated
// again by optimal parsing (deflate.ts): the encoder keeps the smallest file. The private ancillary
// chunk "fcHd" (header.ts: 5 bytes of data since format version 2) names the model, the quality and
// what the PNG's size leaves open of the original size. At the residual tier (the contract's top
// qualities) a second private chunk, "fcRs" (residual.ts), after the image data carries the quantised
// difference between the original and RecNet's restoration, which decode adds back. Any PNG reader
// opens the file; only facecodec restores it.
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import { Executor } from '../executor/executor.ts';
import { loadModel, type Model } from '../format/model.ts';
import { readSource, type ModelSource } from '../format/source.ts';
import { assetUrl } from '../format/assets.ts';
import { checkImage, padEdge, toRgbFloat, type Image } from '../image/image.ts';
import { CodecError, DEFAULT_READ_LIMITS, withChunkAtEnd, writePng } from './png.ts';
import { encodeHeader, hashMatches, HEADER_CHUNK, type Header } from './header.ts';
import { bitDepthFor, codeToPlanes, isLumaOnly, isPooled, planesToCode, planeStartRows, storedCodeSize, type CodeLayout, type Planes } from './layout.ts';
import { contractOf, deltaFor, lumaOnlyAt, pooledAt, rateCondition, residualTierAt, LEGACY_CONTRACT, type CodecContract } from './contract.ts';
import { encodeResidual, RESIDUAL_CHUNK } from './residual.ts';
import { MODELS, MODEL_REGISTRY, DEFAULT_MODEL_ID, mainPairName, pooledPairOf } from './models.ts';
import { CodeRefiner, EFFORT_ITERATIONS, checkEffortWeights, effortWeightsFor, type EffortWeights } from './effort.ts';
import { DEFAULT_RECOGNIZER_URL } from '../models/recognizer.ts';
import { RATE_INPUT, takesRate } from '../models/codec-graph.ts';

export { MODELS, MODEL_REGISTRY, DEFAULT_MODEL_ID } from './models.ts';
export { contractOf, deltaFor, lumaOnlyAt, pooledAt, rateCondition, residualTierAt, LEGACY_CONTRACT, type CodecContract } from './contract.ts';
export { RESIDUAL_CHUNK, type ResidualInfo } from './residual.ts';
export const DEFAULT_QUALITY = 50;
export { EFFORT_ITERATIONS, EFFORT_WEIGHTS, effortWeightsFor, type EffortWeights } from './effort.ts';

/** Quantisation step for a quality 1..100 under a contract (default: that of models v1 to v3r). */
export const deltaForQuality = (quality: number, contract: Pick<CodecContract, 'deltaRange'> = LEGACY_CONTRACT) => deltaFor(contract, quality);

export { FLAG_DECORRELATED, FLAG_G420 } from './layout.ts';
export { encodeHeader, decodeHeader, FORMAT_VERSION, HEADER_BYTES, HEADER_CHUNK, type Header } from './header.ts';

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

export { parseContainer, readContainer, DEFAULT_MAX_PIXELS, type DecodeLimits } from './container.ts';
import { parseContainer, DEFAULT_MAX_PIXELS, type Container, type DecodeLimits } from './container.ts';
import { applyChroma, chromaCells } from './chroma.ts';

export interface CodecOptions {
  backend?: Backend | BackendName;
  /** Default quality for encode (1..100). */
  quality?: number;
  modelId?: number;
  /** Model files (default: weights/compnet-<name>.safetensors and recnet-<name>.safetensors). */
  compnet?: ModelSource;
  recnet?: ModelSource;
  /**
   * The pooled tier's own pair (contract.ts PooledTier), where the model has one: by default a
   * registered model's weights/compnet-<name>-pooled and recnet-<name>-pooled (models.ts pooledPair, pooledPairOf);
   * without one, the main pair serves both tiers.
   */
  compnetPooled?: ModelSource;
  recnetPooled?: ModelSource;
  /** Largest image encode accepts and decode will restore (default 4096 x 4096). */
  maxPixels?: number;
  /** The recognizer's weights for encode effort > 0 (default: the bundled dlib model). */
  recognizer?: ModelSource;
  /** The objective of encode effort > 0 (default: the model's own, effort.ts effortWeightsFor). */
  effortWeights?: EffortWeights;
  /** Longest file decode reads (default 64 MiB). */
  maxFileBytes?: number;
  /** Most PNG chunks decode reads (default 4096). */
  maxChunks?: number;
}

export interface EncodeOptions {
  /** 1..100 (default: the codec's quality). */
  quality?: number;
  /**
   * 0 (default): CompNet's code as it is. 1..3: the code refined by gradient descent through RecNet
   * and the recognizer for EFFORT_ITERATIONS[effort] iterations (effort.ts); slower, same decoder.
   */
  effort?: number;
}

/** What loadCodec assembles: the two networks on one backend and what the model file says about them. */
export interface CodecParts {
  modelId: number;
  /** pairHash of both weight files (the header's check that a file is decoded by the model that wrote it). */
  weightsHash: number;
  comp: Executor;
  rec: Executor;
  /** The pooled tier's own networks, where the model has a pair for it (else comp and rec serve it). */
  pooledNets?: { comp: Executor; rec: Executor; recModel: Model };
  /** Default quality for encode (1..100). */
  quality: number;
  maxPixels: number;
  /** What the networks were trained for: code layout, factor, quality-to-step map, rate input. */
  contract: CodecContract;
  /** Limits decode applies unless a call gives its own. */
  limits: DecodeLimits;
  /** For encode effort > 0: RecNet's model and the recognizer's weights (loaded when first needed). */
  effortParts?: { rec: Model; recognizer?: ModelSource; weights?: EffortWeights };
}

export class Codec {
  readonly modelId: number;
  readonly weightsHash: number;
  readonly quality: number;
  readonly maxPixels: number;
  readonly contract: CodecContract;
  readonly limits: DecodeLimits;
  private comp: Executor;
  private rec: Executor;
  private pooledNets?: CodecParts['pooledNets'];
  private effortParts?: CodecParts['effortParts'];

  constructor(parts: CodecParts) {
    ({ modelId: this.modelId, weightsHash: this.weightsHash, quality: this.quality, maxPixels: this.maxPixels, contract: this.contract, limits: this.limits } = parts);
    ({ comp: this.comp, rec: this.rec, pooledNets: this.pooledNets, effortParts: this.effortParts } = parts);
  }

  /** The networks of a tier: the pooled tier's own pair where the model has one, else the main pair. */
  private nets(pooled: boolean): { comp: Executor; rec: Executor; recModel?: Model } {
    return pooled && this.pooledNets ? this.pooledNets : { comp: this.comp, rec: this.rec, recModel: this.effortParts?.rec };
  }

  private refiners = new Map<boolean, Promise<CodeRefiner>>();

  /** Encode effort's refiner for a tier (through that tier's RecNet). */
  private getRefiner(pooled: boolean): Promise<CodeRefiner> {
    const rec = this.nets(pooled).recModel;
    if (!this.effortParts || !rec) throw new CodecError('this codec was built without its RecNet model: encode effort must be 0');
    const { recognizer, weights } = this.effortParts;
    if (!this.refiners.has(pooled)) this.refiners.set(pooled, readSource(recognizer ?? DEFAULT_RECOGNIZER_URL).then((bytes) => new CodeRefiner(rec, loadModel(bytes), this.comp.backend, this.contract, weights)));
    return this.refiners.get(pooled)!;
  }

  get layout(): CodeLayout {
    return this.contract.layout;
  }

  get backend(): string {
    return this.comp.backend.name;
  }

  /** PNG bytes for one image (any size; gray/RGB/RGBA, alpha ignored). */
  async encode(image: Image, opts: EncodeOptions = {}): Promise<Uint8Array> {
    return (await this.encodeBatch([image], opts))[0];
  }

  /** Images of equal size run through CompNet as one batch. */
  async encodeBatch(images: Image[], opts: EncodeOptions = {}): Promise<Uint8Array[]> {
    const quality = opts.quality ?? this.quality;
    const effort = opts.effort ?? 0;
    if (!Number.isInteger(effort) || effort < 0 || effort >= EFFORT_ITERATIONS.length) throw new CodecError(`effort must be an integer 0..${EFFORT_ITERATIONS.length - 1}, got ${effort}`);
    const tier = residualTierAt(this.contract, quality);
    const codeQuality = tier?.codeQuality ?? quality;
    const delta = deltaFor(this.contract, codeQuality);
    const pooled = pooledAt(this.contract, codeQuality);
    const condition = rateCondition(this.contract, delta, pooled);
    const { factor } = this.contract;
    if (images.length === 0) return [];
    const { width: W, height: H } = images[0];
    for (const img of images) {
      checkImage(img);
      if (img.width !== W || img.height !== H) throw new CodecError('encodeBatch needs images of one size');
    }
    if (W * H > this.maxPixels) throw new CodecError(`image ${W}x${H} is over the limit of ${this.maxPixels} pixels`);
    if (W > 65535 || H > 65535) throw new CodecError('images wider or taller than 65535 pixels cannot be encoded');
    const h = Math.ceil(H / factor), w = Math.ceil(W / factor);
    const PH = h * factor, PW = w * factor;
    const batch = new Float32Array(images.length * PH * PW * 3);
    images.forEach((img, k) => padEdge(toRgbFloat(img), W, H, PW, PH, batch, k * PH * PW * 3));
    // A conditioned CompNet also takes the step, as RecNet does.
    const rate = () => ({ [RATE_INPUT]: { shape: [images.length, h, w, 1], data: new Float32Array(images.length * h * w).fill(condition) } });
    const { comp } = this.nets(pooled);
    const { code: raw } = await comp.run({ image: { shape: [images.length, PH, PW, 3], data: batch }, ...(takesRate(comp.model.graph) ? rate() : {}) });
    const iterations = EFFORT_ITERATIONS[effort];
    const code = iterations ? (await (await this.getRefiner(pooled)).refine({ code: raw.data, images: batch, width: W, height: H, n: images.length, h, w, delta, pooled, iterations })).code : raw.data;
    const n = h * w;
    // A luma-only file also keeps the original's colour as a few chroma cells (chroma.ts), from the
    // image as CompNet saw it (the batch, row stride PW; its edge padding lies outside W x H).
    const lumaOnly = !pooled && lumaOnlyAt(this.contract, delta);
    const chroma = (k: number) => (lumaOnly ? chromaCells(batch.subarray(k * PH * PW * 3), W, H, PW) : undefined);
    const chosen = images.map((_, k) => this.smallestPng(code.subarray(k * n * 3, (k + 1) * n * 3), h, w, { delta, pooled, quality: codeQuality }, W, H, chroma(k)));
    if (!tier) return chosen.map((c) => c.png);
    // The residual tier: what the decoder restores from this very code, on this codec's RecNet.
    const restored = await this.restore(chosen.map((c) => planesToCode(c.planes.flags, c.planes, h, w, delta)), h, w, new Array(images.length).fill(condition), pooled);
    return chosen.map((c, k) => {
      const data = encodeResidual({ original: toRgbFloat(images[k]), restored: restored.subarray(k * PH * PW * 3), width: W, height: H, stride: PW, steps: tier, quality });
      return withChunkAtEnd(c.png, { type: RESIDUAL_CHUNK, data });
    });
  }

  /** The smallest PNG of one image's code over the layout's plane variants and bit depths, and its planes. */
  private smallestPng(code: Float32Array, h: number, w: number, at: { delta: number; pooled: boolean; quality: number }, width: number, height: number, chroma?: Uint8Array): { png: Uint8Array; planes: Planes } {
    let best: { png: Uint8Array; planes: Planes } | undefined;
    const { delta, pooled, quality } = at;
    const lumaOnly = !pooled && lumaOnlyAt(this.contract, delta);
    const stored = storedCodeSize(pooled, h, w);
    for (const planes of codeToPlanes(this.layout, code, h, w, delta, lumaOnly, pooled)) {
      const header = encodeHeader({ flags: planes.flags, modelId: this.modelId, weightsHash: this.weightsHash, quality, width, height, chroma });
      const depths = [...new Set([bitDepthFor(planes.maxSample), 8])];
      const images = depths.map((depth) => ({ width: planes.width, height: planes.height, depth, samples: planes.samples }));
      const png = writePng(images, [{ type: HEADER_CHUNK, data: header }], { splitRows: planeStartRows(this.layout, stored.h, stored.w, lumaOnly) });
      if (!best || png.length < best.png.length) best = { png, planes };
    }
    return best!;
  }

  /** RecNet's output [n, h*factor, w*factor, 3] for n dequantised codes [h, w, 3] of one tier and their rate conditions (rateCondition). */
  private async restore(codes: Float32Array[], h: number, w: number, conditions: number[], pooled: boolean): Promise<Float32Array> {
    const n = codes.length, hw = h * w;
    const code = new Float32Array(n * hw * 3), plane = new Float32Array(n * hw);
    codes.forEach((c, k) => {
      code.set(c, k * hw * 3);
      plane.fill(conditions[k], k * hw, (k + 1) * hw);
    });
    const { image } = await this.nets(pooled).rec.run({ code: { shape: [n, h, w, 3], data: code }, [RATE_INPUT]: { shape: [n, h, w, 1], data: plane } });
    return image.data;
  }

  /** Restores the face chip from facecodec PNG bytes; `limits` override the codec's for this call. */
  async decode(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<Image & { data: Uint8Array }> {
    return (await this.decodeBatch([bytes], limits))[0];
  }

  /** Restores several files; those with equal code sizes go through RecNet together (8 at a time). */
  async decodeBatch(files: Uint8Array[], limits: DecodeLimits = {}): Promise<Array<Image & { data: Uint8Array }>> {
    const lim = { maxPixels: this.maxPixels, ...this.limits, ...limits };
    const parsed = files.map((bytes) => {
      const c = parseContainer(bytes, lim, this.contract);
      const { header } = c;
      if (header.modelId !== this.modelId) throw new CodecError(`file was made by model ${MODELS[header.modelId] ?? `#${header.modelId}`} but this codec has ${MODELS[this.modelId]}`);
      if (!hashMatches(header, this.weightsHash)) throw new CodecError(`file was made with different weights (hash ${hex(header.weightsHash)}, loaded ${hex(this.weightsHash)})`);
      if (c.layout !== this.layout) throw new CodecError(`file uses the ${c.layout} code layout but the model was trained for ${this.layout}`);
      if (isLumaOnly(header.flags) !== (!isPooled(header.flags) && lumaOnlyAt(this.contract, deltaFor(this.contract, header.quality))))
        throw new CodecError(`file stores ${isLumaOnly(header.flags) ? 'the luma plane only' : 'all planes'} at quality ${header.quality}, which this model does not`);
      return c;
    });
    const out: Array<Image & { data: Uint8Array }> = new Array(files.length);
    const groups = new Map<string, number[]>();
    // Files of one code size and one tier go through their RecNet together.
    const key = (c: Container) => `${c.h}x${c.w}${isPooled(c.header.flags) ? 'p' : ''}`;
    parsed.forEach((c, i) => groups.set(key(c), [...(groups.get(key(c)) ?? []), i]));
    for (const members of groups.values()) {
      for (let s = 0; s < members.length; s += 8) {
        const idx = members.slice(s, s + 8);
        const { h, w } = parsed[idx[0]];
        const condition = (q: number) => rateCondition(this.contract, deltaFor(this.contract, q), pooledAt(this.contract, q));
        const image = await this.restore(idx.map((i) => parsed[i].code), h, w, idx.map((i) => condition(parsed[i].header.quality)), isPooled(parsed[idx[0]].header.flags));
        const PW = w * this.contract.factor, PH = h * this.contract.factor;
        idx.forEach((i, k) => (out[i] = finish(image.subarray(k * PH * PW * 3, (k + 1) * PH * PW * 3), PW, parsed[i])));
      }
    }
    return out;
  }

  dispose(): void {
    this.comp.dispose();
    this.rec.dispose();
    this.pooledNets?.comp.dispose();
    this.pooledNets?.rec.dispose();
    for (const r of this.refiners.values()) r.then((x) => x.dispose());
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** A file's restored pixels from RecNet's output [PH, PW, 3] (in place): its chroma cells or residual, cropped, rounded. */
function finish(restored: Float32Array, PW: number, c: Container): Image & { data: Uint8Array } {
  const { width, height, chroma } = c.header;
  if (chroma) applyChroma(restored, width, height, PW, chroma);
  const res = c.residual?.rgb;
  const px = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let ch = 0; ch < 3; ch++) {
        const v = restored[(y * PW + x) * 3 + ch] + (res ? res[(y * width + x) * 3 + ch] : 0);
        px[(y * width + x) * 3 + ch] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
  return { data: px, width, height, channels: 3 };
}

/**
 * Metadata key of the weights hash a re-stored model keeps: when weights/store-f16.ts rewrote a
 * released pair in F16, both files declare the fnv1a of the pair as released, so that files written
 * before keep passing the header's check. A pair without it is hashed as it is.
 */
export const WEIGHTS_HASH_KEY = 'weights_hash';

/** The weights hash of a CompNet/RecNet pair: the one both declare, else fnv1a of their bytes. */
export function pairHash(comp: Model, rec: Model, cb: Uint8Array, rb: Uint8Array): number {
  const c = comp.metadata[WEIGHTS_HASH_KEY], r = rec.metadata[WEIGHTS_HASH_KEY];
  if (c === undefined && r === undefined) return fnv1a(cb, rb);
  if (c !== r || !/^[0-9a-f]{8}$/.test(c ?? '')) throw new CodecError(`CompNet and RecNet declare different or malformed ${WEIGHTS_HASH_KEY} (${c}, ${r})`);
  return parseInt(c!, 16);
}

/** A registered model's file: weights/<kind>-<its main pair's name>.safetensors, or its pooled tier's own pair's (models.ts). */
export function defaultModelUrl(kind: 'compnet' | 'recnet', modelId = DEFAULT_MODEL_ID, pooled = false): URL {
  const entry = MODEL_REGISTRY.find((m) => m.id === modelId);
  if (!entry) throw new CodecError(`unknown model id ${modelId}`);
  return assetUrl(`weights/${kind}-${pooled ? pooledPairOf(entry) : mainPairName(entry)}.safetensors`);
}

type PairBytes = { comp: Model; rec: Model; cb: Uint8Array; rb: Uint8Array };

/** The weights hash of a model: its main pair's pairHash, mixed (xor) with its pooled pair's where it has one. */
export function modelHash(main: PairBytes, pooled?: PairBytes): number {
  const h = pairHash(main.comp, main.rec, main.cb, main.rb);
  return pooled ? (h ^ pairHash(pooled.comp, pooled.rec, pooled.cb, pooled.rb)) >>> 0 : h;
}

/**
 * The pooled tier's own pair, where the options or the registry name one. Its contract is the
 * model's: the main pair declares the same one, or the same but for the tier (a main pair trained and
 * released before the tier, like v7's, which is v6's files).
 */
async function loadPooledPair(opts: CodecOptions, modelId: number, main: CodecContract): Promise<{ comp: Model; rec: Model; cb: Uint8Array; rb: Uint8Array; contract: CodecContract } | undefined> {
  const entry = MODEL_REGISTRY.find((m) => m.id === modelId), hasPair = entry?.pooledPair !== undefined;
  const registered = !opts.compnet && hasPair;
  if (!opts.compnetPooled && !opts.recnetPooled && !registered) {
    // Files written under an id the caller names must be that model's: its main pair alone would write its lowest
    // qualities another way. (Files without a named id are other weights; the header's weights hash tells them apart.)
    if (hasPair && opts.modelId !== undefined) throw new CodecError(`model ${MODELS[modelId]} (id ${modelId}) has a pooled tier with its own pair: give compnetPooled and recnetPooled (weights/compnet-${pooledPairOf(entry!)}, recnet-...) with compnet and recnet`);
    return undefined;
  }
  if (!registered && !(opts.compnetPooled && opts.recnetPooled)) throw new CodecError('the pooled tier needs both compnetPooled and recnetPooled');
  const read = (src: ModelSource) => readSource(src).catch((e: Error) => Promise.reject(new CodecError(`cannot read the pooled tier's pair of model ${MODELS[modelId] ?? `#${modelId}`} (${src}): ${e.message}`)));
  const [cb, rb] = await Promise.all([read(opts.compnetPooled ?? defaultModelUrl('compnet', modelId, true)), read(opts.recnetPooled ?? defaultModelUrl('recnet', modelId, true))]);
  const comp = loadModel(cb), rec = loadModel(rb);
  const contract = contractOf(comp.metadata);
  if (JSON.stringify(contractOf(rec.metadata)) !== JSON.stringify(contract)) throw new CodecError("the pooled tier's CompNet and RecNet declare different codec contracts");
  if (contract.pooled.upTo === 0) throw new CodecError("a pooled pair was given but its contract has no pooled tier");
  const sameBut = (a: CodecContract, b: CodecContract) => JSON.stringify({ ...a, pooled: b.pooled }) === JSON.stringify(b);
  if (!(sameBut(main, contract) && (main.pooled.upTo === 0 || JSON.stringify(main) === JSON.stringify(contract))))
    throw new CodecError("the pooled tier's pair declares another codec contract than the main pair");
  return { comp, rec, cb, rb, contract };
}

export async function loadCodec(opts: CodecOptions = {}): Promise<Codec> {
  const modelId = opts.modelId ?? DEFAULT_MODEL_ID;
  if (opts.effortWeights) checkEffortWeights(opts.effortWeights);
  const [cb, rb] = await Promise.all([readSource(opts.compnet ?? defaultModelUrl('compnet', modelId)), readSource(opts.recnet ?? defaultModelUrl('recnet', modelId))]);
  const comp: Model = loadModel(cb), rec: Model = loadModel(rb);
  const mainContract = contractOf(comp.metadata);
  if (JSON.stringify(contractOf(rec.metadata)) !== JSON.stringify(mainContract)) throw new CodecError('CompNet and RecNet declare different codec contracts');
  const pooled = await loadPooledPair(opts, modelId, mainContract);
  const contract = pooled?.contract ?? mainContract;
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'wasm');
  const quality = opts.quality ?? DEFAULT_QUALITY;
  deltaFor(contract, quality);
  const limits = { maxFileBytes: opts.maxFileBytes ?? DEFAULT_READ_LIMITS.maxFileBytes, maxChunks: opts.maxChunks ?? DEFAULT_READ_LIMITS.maxChunks };
  return new Codec({
    modelId,
    weightsHash: modelHash({ comp, rec, cb, rb }, pooled),
    comp: new Executor(comp, backend),
    rec: new Executor(rec, backend),
    ...(pooled && { pooledNets: { comp: new Executor(pooled.comp, backend), rec: new Executor(pooled.rec, backend), recModel: pooled.rec } }),
    quality,
    maxPixels: opts.maxPixels ?? DEFAULT_MAX_PIXELS,
    contract,
    limits,
    effortParts: { rec, recognizer: opts.recognizer, weights: opts.effortWeights ?? effortWeightsFor(modelId) },
  });
}

export { CodecError } from './png.ts';
