// Joint training of CompNet and RecNet for reconstruction (L1, or L2 with --reconstruction l2), with quantisation noise in the loop:
// code + U(-delta/2, delta/2), delta drawn log-uniformly per sample and given to RecNet as its rate
// condition, so one pair of networks serves every operating point. Checkpoints (atomic) every few
// steps and resumes from the last one; ends by freezing both networks into weights/.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createBackend, type BackendName } from '../backends/index.ts';
import { loadModel, saveModel, type Model, type TensorToSave } from '../format/model.ts';
import { parseSafetensors, writeSafetensors, type RawTensor } from '../format/safetensors.ts';
import { codecContract, DELTA_RANGE, compnetSpec, initParams, startsAtZero, RECNET_BLOCKS, recnetSpec, takesRate, type CompnetOptions, type NetSpec } from '../models/codec-graph.ts';
import { contractMetadata, type PooledTier } from '../codec/contract.ts';
import { Adam, learningRate } from './adam.ts';
import { CELEBA_PATCH, celebaImages, CHIP_PADDED, chipBatch, lfwChips, Rng, sampleBatch, type DataPaths } from './data.ts';
import { DEFAULT_RECOGNIZER_URL } from '../models/recognizer.ts';
import { Executor } from '../executor/executor.ts';
import { lineChart } from './plot.ts';
import { Tape } from './tape.ts';
import { jointStep, type JointNets, type StepResult } from './joint-step.ts';
import { L2_SCALE, type Reconstruction } from './reconstruction.ts';
import type { CodeLayout } from '../codec/layout.ts';

export interface TrainOptions {
  data: DataPaths;
  steps: number;
  batch: number;
  /** Side of the square training crops from LFW chips (multiple of 4). CelebA crops are 64. */
  patch: number;
  /** Share of steps that train on CelebA crops (CELEBA_PATCH square, reconstruction only) instead of LFW chips. */
  celebaShare: number;
  lr: number;
  /** Quantisation step range, sampled log-uniformly. */
  delta: [number, number];
  checkpointEvery: number;
  /** Stop after this many seconds (the run resumes later from its checkpoint). */
  maxSeconds: number;
  /** Freeze the checkpoint as it is (ending the schedule early) instead of training on. */
  freezeNow?: boolean;
  /**
   * Weight of the identity term lambda * ||embed(restored) - embed(original)||^2 through the frozen
   * recognizer (0: reconstruction only). With it, batches are whole 150x150 chips (padded to 152).
   */
  recognizerWeight?: number;
  /**
   * Weight of the rate term: mean over code samples of log2(1 + |q - q_left|), q = noisy code / delta,
   * a differentiable stand-in for the bits PNG's Sub filter + deflate spend (0: no rate term).
   */
  rateWeight?: number;
  /** The reconstruction term: 'l1' (default) or 'l2' (L2_SCALE x mean squared error, host/train/reconstruction.ts). */
  reconstruction?: Reconstruction;
  /** How the code is stored (host/codec/layout.ts); quantisation is simulated for this layout. */
  layout?: CodeLayout;
  /**
   * 'noise' (default): additive uniform noise in place of rounding. 'round': RecNet sees the code
   * exactly as the decoder will (rounded), with the gradient straight through the rounding.
   */
  quantise?: 'noise' | 'round';
  /** Steps above this store the luma plane only (g420; the contract's lumaOnlyAbove). Default: never. */
  lumaOnlyAbove?: number;
  /**
   * The pooled tier (host/codec/contract.ts PooledTier): the contract's qualities 1..upTo and steps,
   * and the share of steps whose batch is stored pooled, at steps log-uniform in that range. g420 only.
   */
  pooled?: PooledTier & { share: number };
  /** Train CompNet only: RecNet (the decoder) keeps its initial weights, so old files decode the same. */
  freezeRecnet?: boolean;
  /** Start from these frozen networks instead of random initialisation. */
  init?: { compnet: string; recnet: string };
  /**
   * RecNet's residual blocks (default RECNET_BLOCKS). With init, blocks the init RecNet lacks are
   * grown: their last conv starts at zero, so the grown RecNet restores exactly what the init one did.
   */
  recnetBlocks?: number;
  /** CompNet's residual blocks and rate condition (default none: v1 to v6's CompNet); grown from init like RecNet's blocks. */
  compnet?: CompnetOptions;
  /** Output name: weights/compnet-<name>.safetensors etc. */
  name: string;
  weightsDir: string;
  seed: number;
  threads: number;
  /** Backend the tapes run on: wasm (default), webgpu or ref. */
  backend?: BackendName;
  log: (line: string) => void;
}

interface LogRow {
  step: number;
  loss: number;
  psnr: number;
  lr: number;
  seconds: number;
  /** Mean squared embedding distance to the original (joint training only). */
  identity?: number;
  /** Rate proxy in bits per code sample (when the rate term is on). */
  rate?: number;
}

const build = (spec: NetSpec, params: TensorToSave[]): Model => loadModel(saveModel(spec.graph, [...spec.consts, ...params]));

/** What a checkpoint holds: the trained parameters (CompNet's, then RecNet's unless frozen) with their Adam state, the data RNG, the step and the log. */
interface TrainState {
  comp: NetSpec;
  rec: NetSpec;
  compModel: Model;
  recModel: Model;
  /** RecNet's parameters that train ([] with freezeRecnet). */
  recTrained: NetSpec['params'];
  paramList: Array<[Model, string]>;
  arrays: Float32Array[];
  adam: Adam;
  rng: Rng;
  step: number;
  seconds: number;
  log: LogRow[];
}

/**
 * The init file's parameters for spec. A parameter the file lacks (a grown residual block) takes its
 * fresh initialisation, except a block's last conv and CompNet's rate condition (startsAtZero), which
 * start at zero: the grown network computes what the file's did until they have trained. A parameter the spec lacks, or of another shape, is an error.
 */
export function paramsFromFile(file: string, spec: NetSpec, seed: number): TensorToSave[] {
  const m = loadModel(new Uint8Array(readFileSync(file)));
  const names = new Set(spec.params.map((p) => p.name));
  const extra = [...m.weights.keys()].filter((n) => !names.has(n) && !spec.consts.some((c) => c.name === n));
  if (extra.length) throw new Error(`${path.basename(file)} has parameters this network lacks (${extra.slice(0, 3).join(', ')}): it cannot shrink`);
  const fresh = initParams(spec, seed);
  return spec.params.map((p, k) => {
    const t = m.weights.get(p.name);
    if (!t) return startsAtZero(p.name) ? { ...fresh[k], f32: new Float32Array(p.shape.reduce((a, b) => a * b, 1)) } : fresh[k];
    if (t.shape.join() !== p.shape.join()) throw new Error(`${path.basename(file)}: ${p.name} is [${t.shape}], the network wants [${p.shape}]`);
    return { name: p.name, shape: p.shape, f32: t.data.slice() };
  });
}

/** Whether spec has parameters the init file lacks (residual blocks grown into its RecNet). */
function growsFrom(file: string, spec: NetSpec): boolean {
  const m = loadModel(new Uint8Array(readFileSync(file)));
  return spec.params.some((p) => !m.weights.has(p.name));
}

function initialState(o: TrainOptions): TrainState {
  const comp = compnetSpec(o.compnet), rec = recnetSpec(o.recnetBlocks);
  const compModel = build(comp, o.init ? paramsFromFile(o.init.compnet, comp, o.seed) : initParams(comp, o.seed));
  const recModel = build(rec, o.init ? paramsFromFile(o.init.recnet, rec, o.seed + 1) : initParams(rec, o.seed + 1));
  const recTrained = o.freezeRecnet ? [] : rec.params;
  const paramList: Array<[Model, string]> = [...comp.params.map((p) => [compModel, p.name] as [Model, string]), ...recTrained.map((p) => [recModel, p.name] as [Model, string])];
  const arrays = paramList.map(([m, n]) => m.weights.get(n)!.data);
  return { comp, rec, compModel, recModel, recTrained, paramList, arrays, adam: new Adam(arrays), rng: new Rng(o.seed), step: 0, seconds: 0, log: [] };
}

/** A parameter's name in the checkpoint: comp:<name> or rec:<name> (its Adam moments add #m and #v). */
const ckptKey = (st: TrainState, k: number) => `${st.paramList[k][0] === st.compModel ? 'comp' : 'rec'}:${st.paramList[k][1]}`;

function loadCheckpoint(file: string, st: TrainState): void {
  const f = parseSafetensors(new Uint8Array(readFileSync(file)));
  const meta = JSON.parse(f.metadata.state);
  st.step = meta.step;
  st.seconds = meta.seconds;
  st.rng.state = meta.rng;
  st.adam.t = meta.adamT;
  st.log = meta.log;
  const get = (n: string) => new Float32Array(f.tensors.get(n)!.bytes.slice().buffer);
  st.arrays.forEach((a, k) => {
    a.set(get(ckptKey(st, k)));
    st.adam.m[k].set(get(`${ckptKey(st, k)}#m`));
    st.adam.v[k].set(get(`${ckptKey(st, k)}#v`));
  });
}

/** Writes the checkpoint atomically (a temporary file, then a rename). */
function saveCheckpoint(file: string, st: TrainState): void {
  const tensors: Array<[string, RawTensor]> = [];
  const raw = (a: Float32Array): RawTensor => ({ dtype: 'F32', shape: [a.length], bytes: new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)) });
  st.arrays.forEach((a, k) => tensors.push([ckptKey(st, k), raw(a)], [`${ckptKey(st, k)}#m`, raw(st.adam.m[k])], [`${ckptKey(st, k)}#v`, raw(st.adam.v[k])]));
  const state = JSON.stringify({ step: st.step, seconds: st.seconds, rng: st.rng.state, adamT: st.adam.t, log: st.log });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file + '.tmp', writeSafetensors(tensors, { state }));
  renameSync(file + '.tmp', file);
}

/** The tapes one step runs (and the frozen recognizer with its cache of the originals' embeddings when lambda > 0). */
async function openNets(o: TrainOptions, st: TrainState, lambda: number): Promise<{ nets: JointNets; weightsChanged: () => void; dispose: () => void }> {
  const backend = await createBackend(o.backend ?? 'wasm', { wasm: { threads: o.threads } });
  const comp = new Tape(st.compModel, backend, new Set(st.comp.params.map((p) => p.name)), new Set());
  const rec = new Tape(st.recModel, backend, new Set(st.recTrained.map((p) => p.name)), new Set(['code']));
  const recognizer = lambda > 0 ? loadModel(new Uint8Array(readFileSync(DEFAULT_RECOGNIZER_URL))) : undefined;
  const idTape = recognizer && new Tape(recognizer, backend, new Set(), new Set(['image']));
  const idExec = recognizer && new Executor(recognizer, backend);
  const nets: JointNets = { comp, compTakesRate: takesRate(st.comp.graph), rec, id: idTape && idExec ? { tape: idTape, exec: idExec, targets: new Map() } : undefined };
  const dispose = () => {
    comp.dispose();
    rec.dispose();
    idTape?.dispose();
    idExec?.dispose();
    (backend as { dispose?: () => void }).dispose?.();
  };
  const weightsChanged = () => {
    comp.weightsChanged();
    rec.weightsChanged();
  };
  return { nets, weightsChanged, dispose };
}

/** Sums of a window of steps, logged every LOG_EVERY steps. */
class LogWindow {
  private sums = LogWindow.empty();
  private t = performance.now();

  private static empty() {
    return { loss: 0, mse: 0, identity: 0, identitySteps: 0, rate: 0, steps: 0, samples: 0 };
  }

  /** withIdentity: the step had the identity term (whole LFW chips; CelebA steps have none). */
  add(r: StepResult, batch: number, withIdentity: boolean): void {
    const s = this.sums;
    s.loss += r.l1 / r.count;
    s.mse += r.se / r.count;
    s.identity += r.identity;
    s.identitySteps += withIdentity ? 1 : 0;
    s.rate += r.rate;
    s.steps++;
    s.samples += batch;
  }

  /** The window's row (identity and rate only where their terms are on) and its line; starts a new window. */
  close(step: number, lr: number, seconds: number, lambda: number, mu: number, total: number): { row: LogRow; line: string } {
    const now = performance.now(), s = this.sums, k = s.steps;
    const row: LogRow = { step, loss: s.loss / k, psnr: -10 * Math.log10(s.mse / k), lr, seconds, ...(lambda > 0 && s.identitySteps ? { identity: s.identity / s.identitySteps } : {}), ...(mu > 0 ? { rate: s.rate / k } : {}) };
    const line = `step ${step}/${total}  L1 ${row.loss.toFixed(4)}  PSNR ${row.psnr.toFixed(2)} dB${row.identity !== undefined ? `  identity ${row.identity.toFixed(4)}` : ''}${row.rate !== undefined ? `  rate ${row.rate.toFixed(3)} b/sample` : ''}  lr ${lr.toExponential(2)}  ${((s.samples * 1000) / (now - this.t)).toFixed(1)} samples/s`;
    this.sums = LogWindow.empty();
    this.t = now;
    return { row, line };
  }
}

const LOG_EVERY = 20;
/** The CLI's default share of CelebA steps. */
export const DEFAULT_CELEBA_SHARE = 0.2;

export async function trainCodec(o: TrainOptions): Promise<{ done: boolean; step: number }> {
  const st = initialState(o);
  const ckpt = path.join(o.data.cacheDir, `codec-${o.name}.ckpt`);
  if (existsSync(ckpt)) {
    loadCheckpoint(ckpt, st);
    o.log(`resumed from ${ckpt} at step ${st.step}`);
  }
  const chips = await lfwChips(o.data, o.log);
  // CelebA crops train reconstruction only (their steps have no identity term: it needs whole aligned chips).
  const celeba = o.data.celeba && o.celebaShare > 0 ? celebaImages(o.data.celeba) : { images: [], files: [] };
  mkdirSync(o.weightsDir, { recursive: true });
  writeFileSync(path.join(o.weightsDir, `codec-${o.name}-train-manifest.txt`), [...chips.files, ...celeba.files].join('\n') + '\n');
  o.log(`data: ${chips.count} LFW training chips, ${celeba.images.length} CelebA images`);

  const lambda = o.recognizerWeight ?? 0, mu = o.rateWeight ?? 0, layout = o.layout ?? 'rgb';
  const { nets, weightsChanged, dispose } = await openNets(o, st, lambda);
  const started = performance.now(), sessionStartSeconds = st.seconds;
  const elapsed = () => sessionStartSeconds + (performance.now() - started) / 1000;
  const window = new LogWindow();
  if (o.freezeNow) o.steps = st.step;
  while (st.step < o.steps) {
    if ((performance.now() - started) / 1000 > o.maxSeconds) break;
    const n = o.batch, rng = st.rng;
    const celebaStep = celeba.images.length > 0 && rng.next() < o.celebaShare;
    const size = celebaStep ? CELEBA_PATCH : lambda > 0 ? CHIP_PADDED : o.patch;
    const whole = lambda > 0 && !celebaStep ? chipBatch(rng, chips, n) : undefined;
    const x = whole ? whole.x152 : sampleBatch(rng, chips, celeba.images, n, size, celebaStep ? 1 : 0);
    const pooled = o.pooled !== undefined && rng.next() < o.pooled.share;
    const range = pooled ? o.pooled!.steps : o.delta;
    const deltas = Array.from({ length: n }, () => Math.exp(Math.log(range[0]) + rng.next() * Math.log(range[1] / range[0])));
    const r = await jointStep(nets, { x, n, size, whole, deltas, pooled, rand: () => rng.next() }, { lambda, mu, layout, quantise: o.quantise ?? 'noise', lumaOnlyAbove: o.lumaOnlyAbove, reconstruction: o.reconstruction });
    const lr = learningRate(st.step, o.steps, o.lr);
    st.adam.step(st.paramList.map(([m, name]) => (m === st.compModel ? r.comp.get(name) : r.rec.get(name))), lr);
    weightsChanged();
    st.step++;
    window.add(r, n, whole !== undefined);
    if (st.step % LOG_EVERY === 0 || st.step === o.steps) {
      st.seconds = elapsed();
      const { row, line } = window.close(st.step, lr, st.seconds, lambda, mu, o.steps);
      st.log.push(row);
      o.log(line);
    }
    if (st.step % o.checkpointEvery === 0) saveCheckpoint(ckpt, st);
  }
  st.seconds = elapsed();
  saveCheckpoint(ckpt, st);
  dispose();
  const done = st.step >= o.steps;
  if (done) freeze(o, st, chips.count, celeba.images.length);
  return { done, step: st.step };
}

/** The CLI command line that reproduces a run (defaults left out). */
function trainCommand(o: TrainOptions): string {
  const init = o.init && path.basename(o.init.compnet).replace(/^compnet-|\.safetensors$/g, '');
  const parts = ['npm run train -- codec', `--name ${o.name}`, `--steps ${o.steps}`, `--batch ${o.batch}`, `--lr ${o.lr}`];
  if (!o.recognizerWeight) parts.push(`--patch ${o.patch}`);
  if (o.layout && o.layout !== 'rgb') parts.push(`--layout ${o.layout}`);
  if (init) parts.push(`--init-from ${init}`);
  if (o.recognizerWeight) parts.push(`--recognizer-weight ${o.recognizerWeight}`);
  if (o.rateWeight) parts.push(`--rate-weight ${o.rateWeight}`);
  if (o.reconstruction && o.reconstruction !== 'l1') parts.push(`--reconstruction ${o.reconstruction}`);
  if (o.quantise === 'round') parts.push('--quantise round');
  if (o.freezeRecnet) parts.push('--freeze-recnet');
  if (Math.max(...o.delta) !== DELTA_RANGE[0]) parts.push(`--delta-max ${Math.max(...o.delta)}`);
  if (o.lumaOnlyAbove !== undefined) parts.push(`--luma-only-above ${o.lumaOnlyAbove}`);
  if (o.pooled) parts.push(`--pooled-up-to ${o.pooled.upTo} --pooled-steps ${o.pooled.steps.join(',')} --pooled-share ${o.pooled.share}`);
  if (o.recnetBlocks !== undefined && o.recnetBlocks !== RECNET_BLOCKS) parts.push(`--recnet-blocks ${o.recnetBlocks}`);
  if (o.compnet?.blocks) parts.push(`--compnet-blocks ${o.compnet.blocks}`);
  if (o.compnet?.conditioned) parts.push('--compnet-rate');
  if (o.celebaShare !== DEFAULT_CELEBA_SHARE) parts.push(`--celeba-share ${o.celebaShare}`);
  const weightsDir = path.relative(process.cwd(), o.weightsDir);
  if (weightsDir !== 'weights') parts.push(`--weights ${weightsDir}`);
  return parts.join(' ');
}

function freeze(o: TrainOptions, st: TrainState, lfwCount: number, celebaCount: number): void {
  const { comp, rec, compModel, recModel, log } = st;
  const layout = o.layout ?? 'rgb';
  const last = log[log.length - 1];
  const meta = (model: string) => ({
    model,
    ...contractMetadata(codecContract(layout, o.delta, o.lumaOnlyAbove, o.pooled && { upTo: o.pooled.upTo, steps: o.pooled.steps })),
    training: JSON.stringify({ layout, recnet_blocks: o.recnetBlocks ?? RECNET_BLOCKS, compnet_blocks: o.compnet?.blocks ?? 0, compnet_rate: !!o.compnet?.conditioned, celeba_share: o.celebaShare, steps: o.steps, batch: o.batch, patch: o.patch, lr: o.lr, delta: o.delta, recognizer_weight: o.recognizerWeight ?? 0, rate_weight: o.rateWeight ?? 0, reconstruction: o.reconstruction ?? 'l1', quantise: o.quantise ?? 'noise', freeze_recnet: !!o.freezeRecnet, pooled: o.pooled ?? null, init: o.init ?? null, seconds: Math.round(last?.seconds ?? 0), final_l1: last?.loss, final_psnr: last?.psnr, final_identity: last?.identity }),
    license: 'trained by the facecodec project on LFW images no test pair references and CelebA (non-commercial research use)',
  });
  const paramsOf = (m: Model, spec: NetSpec): TensorToSave[] => spec.params.map((p) => ({ name: p.name, shape: p.shape, f32: m.weights.get(p.name)!.data }));
  writeFileSync(path.join(o.weightsDir, `compnet-${o.name}.safetensors`), saveModel(comp.graph, [...comp.consts, ...paramsOf(compModel, comp)], meta(`compnet-${o.name}`)));
  writeFileSync(path.join(o.weightsDir, `recnet-${o.name}.safetensors`), saveModel(rec.graph, [...rec.consts, ...paramsOf(recModel, rec)], meta(`recnet-${o.name}`)));
  writeFileSync(
    path.join(o.weightsDir, `codec-${o.name}-loss.svg`),
    lineChart([{ name: 'PSNR (dB)', points: log.map((r) => [r.step, r.psnr]) }], { title: `codec-${o.name} training (reconstruction)`, xLabel: 'step', yLabel: 'PSNR of restored crops (dB)' }),
  );
  const totalSamples = o.steps * o.batch;
  writeFileSync(
    path.join(o.weightsDir, `codec-${o.name}.md`),
    `# codec-${o.name}: CompNet + RecNet

Trained by \`npm run train -- codec\` (host/train/train-codec.ts) on this project's own runtime (${o.backend ?? 'wasm'} backend${(o.backend ?? 'wasm') === 'wasm' ? `, ${o.threads} threads` : ''}).

- Data: ${lfwCount} aligned LFW chips from lfw-pairs/train-identity-disjoint.txt and train-unreferenced.txt (no image that a View 2 test pair references; the latter list includes other images of people who appear in test pairs, used without identity labels)${celebaCount ? `, ${celebaCount} CelebA images (${CELEBA_PATCH}x${CELEBA_PATCH} crops, reconstruction only, ${Math.round(o.celebaShare * 100)}% of steps)` : ''}. Manifest: codec-${o.name}-train-manifest.txt.
- ${o.recognizerWeight ? `Whole chips (150x150, edge-padded to ${CHIP_PADDED} at the bottom and right, as the encoder pads them)` : `Crops ${o.patch}x${o.patch} from chips with random shifts`} and horizontal flips; batch ${o.batch}; ${o.steps} steps (${totalSamples} samples).
- RecNet: ${o.recnetBlocks ?? RECNET_BLOCKS} residual blocks${o.init && growsFrom(o.init.recnet, rec) ? ` (the blocks ${path.basename(o.init.recnet)} lacks grown with their last conv at zero, so training starts from exactly its output)` : ''}.
- CompNet: ${o.compnet?.blocks ?? 0} residual blocks${o.compnet?.conditioned ? ', the rate input (the quantisation step x RATE_SCALE, as RecNet takes it) added to its 1/4-resolution features through a 1x1 conv' : ''}${o.init && growsFrom(o.init.compnet, comp) ? ` (what ${path.basename(o.init.compnet)} lacks grown at zero where startsAtZero says, so training starts from exactly its code)` : ''}.
- Loss: ${o.reconstruction === 'l2' ? `L2 reconstruction (${L2_SCALE} x mean squared error on the 0..1 scale, host/train/reconstruction.ts)` : 'L1 reconstruction'}${o.recognizerWeight ? ` + ${o.recognizerWeight} x squared distance between the frozen recognizer's embeddings of the restored and the original chip (embeddings of the originals computed once and cached; whole chips, not crops)` : ''}${o.rateWeight ? ` + ${o.rateWeight} x a rate proxy (mean log2(1 + |horizontal difference|) of the noisy code in quantisation steps, the residual PNG's Sub filter codes)` : ''}${o.init ? `, starting from ${path.basename(o.init.compnet)} and ${path.basename(o.init.recnet)}` : ''}. Quantisation in the loop ${o.quantise === 'round' ? 'as the encoder does it (the code rounded in' : 'as additive uniform noise on'} what the ${layout} code layout stores${layout === 'g420' ? ' (channel 1 at full resolution, the other two as 2x2-averaged differences to it, host/codec/layout.ts)' : ''}${o.quantise === 'round' ? ', the gradient straight through the rounding)' : ''}, step delta log-uniform in [${o.delta[0]}, ${o.delta[1]}], given to RecNet as its rate condition${o.lumaOnlyAbove !== undefined ? `; at steps above ${o.lumaOnlyAbove} the code stores its luma plane only (c0 = c2 = c1), as the encoder does there` : ''}${o.pooled ? `; ${Math.round(100 * o.pooled.share)}% of steps store the code pooled 2x2 (the pooled tier of qualities 1 to ${o.pooled.upTo}, host/codec/layout.ts) at steps log-uniform in [${Math.min(...o.pooled.steps)}, ${Math.max(...o.pooled.steps)}], RecNet's rate condition negated there` : ''}.
${o.freezeRecnet ? `- Only CompNet (the encoder) is trained; RecNet keeps ${o.init ? path.basename(o.init.recnet) : 'its initial weights'} unchanged.\n` : ''}- Adam, peak learning rate ${o.lr}, 100 warm-up steps then cosine decay.
- Command: \`${trainCommand(o)}\`
- Wall time: ${((last?.seconds ?? 0) / 60).toFixed(1)} min on the 2-core machine, ${(totalSamples / (last?.seconds || 1)).toFixed(1)} samples/s.
- Final training L1 ${last?.loss.toFixed(4)}, PSNR ${last?.psnr.toFixed(2)} dB${last?.identity !== undefined ? `, squared embedding distance ${last.identity.toFixed(4)}` : ''}${last?.rate !== undefined ? `, rate proxy ${last.rate.toFixed(3)} bits per code sample` : ''} (restored vs originals, ${o.quantise === 'round' ? 'rounded' : 'noise-quantised'}, averaged over the last 20 steps${celebaCount && o.recognizerWeight ? '; L1 and PSNR over LFW chips and CelebA crops together, the embedding distance over LFW chips' : ''}).
- Loss curve: codec-${o.name}-loss.svg.
`,
  );
  o.log(`froze ${path.join(o.weightsDir, `compnet-${o.name}.safetensors`)} and recnet-${o.name}.safetensors`);
}
