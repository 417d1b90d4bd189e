// Joint training of CompNet and RecNet for reconstruction (L1), with quantisation noise in the loop:
// code + U(-delta/2, delta/2), delta drawn log-uniformly per sample and given to RecNet as its rate
// condition, so one pair of networks serves every operating point. Checkpoints (atomic) every few
// steps and resumes from the last one; ends by freezing both networks into weights/.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createBackend, type BackendName } from '../backends/index.ts';
import { loadModel, saveModel, type Model, type TensorToSave } from '../format/model.ts';
import { parseSafetensors, writeSafetensors, type RawTensor } from '../format/safetensors.ts';
import { codecContract, DELTA_RANGE, compnetSpec, initParams, recnetSpec, type NetSpec } from '../models/codec-graph.ts';
import { contractMetadata } from '../codec/contract.ts';
import { Adam, learningRate } from './adam.ts';
import { celebaImages, chipBatch, lfwChips, Rng, sampleBatch, type DataPaths } from './data.ts';
import { DEFAULT_RECOGNIZER_URL } from '../models/recognizer.ts';
import { Executor } from '../executor/executor.ts';
import { lineChart } from './plot.ts';
import { Tape } from './tape.ts';
import { jointStep, type JointNets } from './joint-step.ts';
import type { CodeLayout } from '../codec/layout.ts';

export interface TrainOptions {
  data: DataPaths;
  steps: number;
  batch: number;
  /** Side of the square training crops from LFW chips (multiple of 4). CelebA crops are 64. */
  patch: number;
  /** Share of steps that train on CelebA crops instead of LFW chips. */
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
  /** How the code is stored (host/codec/layout.ts); quantisation is simulated for this layout. */
  layout?: CodeLayout;
  /**
   * 'noise' (default): additive uniform noise in place of rounding. 'round': RecNet sees the code
   * exactly as the decoder will (rounded), with the gradient straight through the rounding.
   */
  quantise?: 'noise' | 'round';
  /** Steps above this store the luma plane only (g420; the contract's lumaOnlyAbove). Default: never. */
  lumaOnlyAbove?: number;
  /** Train CompNet only: RecNet (the decoder) keeps its initial weights, so old files decode the same. */
  freezeRecnet?: boolean;
  /** Start from these frozen networks instead of random initialisation. */
  init?: { compnet: string; recnet: string };
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

export async function trainCodec(o: TrainOptions): Promise<{ done: boolean; step: number }> {
  const comp = compnetSpec(), rec = recnetSpec();
  const ckpt = path.join(o.data.cacheDir, `codec-${o.name}.ckpt`);
  const fromFile = (file: string, spec: NetSpec): TensorToSave[] => {
    const m = loadModel(new Uint8Array(readFileSync(file)));
    return spec.params.map((p) => ({ name: p.name, shape: p.shape, f32: m.weights.get(p.name)!.data.slice() }));
  };
  const compModel = build(comp, o.init ? fromFile(o.init.compnet, comp) : initParams(comp, o.seed));
  const recModel = build(rec, o.init ? fromFile(o.init.recnet, rec) : initParams(rec, o.seed + 1));
  const recTrained = o.freezeRecnet ? [] : rec.params;
  const paramList: Array<[Model, string]> = [...comp.params.map((p) => [compModel, p.name] as [Model, string]), ...recTrained.map((p) => [recModel, p.name] as [Model, string])];
  const arrays = paramList.map(([m, n]) => m.weights.get(n)!.data);
  const adam = new Adam(arrays);
  const rng = new Rng(o.seed);
  let step = 0, seconds = 0;
  let log: LogRow[] = [];

  if (existsSync(ckpt)) {
    const f = parseSafetensors(new Uint8Array(readFileSync(ckpt)));
    const meta = JSON.parse(f.metadata.state);
    step = meta.step;
    seconds = meta.seconds;
    rng.state = meta.rng;
    adam.t = meta.adamT;
    log = meta.log;
    const get = (n: string) => new Float32Array(f.tensors.get(n)!.bytes.slice().buffer);
    paramList.forEach(([m], k) => {
      const key = `${m === compModel ? 'comp' : 'rec'}:${paramList[k][1]}`;
      arrays[k].set(get(key));
      adam.m[k].set(get(`${key}#m`));
      adam.v[k].set(get(`${key}#v`));
    });
    o.log(`resumed from ${ckpt} at step ${step}`);
  }

  const chips = await lfwChips(o.data, o.log);
  // CelebA crops only train reconstruction; the identity term needs whole aligned chips.
  const celeba = o.data.celeba && !o.recognizerWeight ? celebaImages(o.data.celeba) : { images: [], files: [] };
  mkdirSync(o.weightsDir, { recursive: true });
  writeFileSync(path.join(o.weightsDir, `codec-${o.name}-train-manifest.txt`), [...chips.files, ...celeba.files].join('\n') + '\n');
  o.log(`data: ${chips.count} LFW training chips, ${celeba.images.length} CelebA images`);

  const backend = await createBackend(o.backend ?? 'wasm', { wasm: { threads: o.threads } });
  const compTape = new Tape(compModel, backend, new Set(comp.params.map((p) => p.name)), new Set());
  const recTape = new Tape(recModel, backend, new Set(recTrained.map((p) => p.name)), new Set(['code']));
  const lambda = o.recognizerWeight ?? 0;
  const recognizer = lambda > 0 ? loadModel(new Uint8Array(readFileSync(DEFAULT_RECOGNIZER_URL))) : undefined;
  const idTape = recognizer && new Tape(recognizer, backend, new Set(), new Set(['image']));
  const idExec = recognizer && new Executor(recognizer, backend);
  // Embeddings of the original chips, computed once.
  const nets: JointNets = { comp: compTape, rec: recTape, id: idTape && idExec ? { tape: idTape, exec: idExec, targets: new Map() } : undefined };

  const save = () => {
    const tensors: Array<[string, RawTensor]> = [];
    const raw = (a: Float32Array): RawTensor => ({ dtype: 'F32', shape: [a.length], bytes: new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)) });
    paramList.forEach(([m, n], k) => {
      const key = `${m === compModel ? 'comp' : 'rec'}:${n}`;
      tensors.push([key, raw(arrays[k])], [`${key}#m`, raw(adam.m[k])], [`${key}#v`, raw(adam.v[k])]);
    });
    const state = JSON.stringify({ step, seconds, rng: rng.state, adamT: adam.t, log });
    mkdirSync(path.dirname(ckpt), { recursive: true });
    writeFileSync(ckpt + '.tmp', writeSafetensors(tensors, { state }));
    renameSync(ckpt + '.tmp', ckpt);
  };

  const started = performance.now();
  const sessionStartSeconds = seconds;
  let window = { loss: 0, mse: 0, n: 0, samples: 0, t: performance.now() };
  let idWindow = 0, rateWindow = 0;
  const mu = o.rateWeight ?? 0;
  const layout = o.layout ?? 'rgb';
  if (o.freezeNow) o.steps = step;
  while (step < o.steps) {
    if ((performance.now() - started) / 1000 > o.maxSeconds) break;
    const n = o.batch;
    const celebaStep = lambda === 0 && celeba.images.length > 0 && rng.next() < o.celebaShare;
    const size = lambda > 0 ? 152 : celebaStep ? 64 : o.patch;
    const whole = lambda > 0 ? chipBatch(rng, chips, n) : undefined;
    const x = whole ? whole.x152 : sampleBatch(rng, chips, celeba.images, n, size, celebaStep ? 1 : 0);
    const deltas = Array.from({ length: n }, () => Math.exp(Math.log(o.delta[0]) + rng.next() * Math.log(o.delta[1] / o.delta[0])));
    const r = await jointStep(nets, { x, n, size, whole, deltas, rand: () => rng.next() }, { lambda, mu, layout, quantise: o.quantise ?? 'noise', lumaOnlyAbove: o.lumaOnlyAbove });
    idWindow += r.identity;
    rateWindow += r.rate;
    const grads = paramList.map(([m, name]) => (m === compModel ? r.comp.get(name) : r.rec.get(name)));
    const lr = learningRate(step, o.steps, o.lr);
    adam.step(grads, lr);
    compTape.weightsChanged();
    recTape.weightsChanged();
    step++;

    window.loss += r.l1 / r.count;
    window.mse += r.se / r.count;
    window.n++;
    window.samples += n;
    if (step % 20 === 0 || step === o.steps) {
      const now = performance.now();
      seconds = sessionStartSeconds + (now - started) / 1000;
      const row: LogRow = { step, loss: window.loss / window.n, psnr: -10 * Math.log10(window.mse / window.n), lr, seconds, ...(lambda > 0 ? { identity: idWindow / window.n } : {}), ...(mu > 0 ? { rate: rateWindow / window.n } : {}) };
      log.push(row);
      o.log(`step ${step}/${o.steps}  L1 ${row.loss.toFixed(4)}  PSNR ${row.psnr.toFixed(2)} dB${row.identity !== undefined ? `  identity ${row.identity.toFixed(4)}` : ''}${row.rate !== undefined ? `  rate ${row.rate.toFixed(3)} b/sample` : ''}  lr ${lr.toExponential(2)}  ${((window.samples * 1000) / (now - window.t)).toFixed(1)} samples/s`);
      window = { loss: 0, mse: 0, n: 0, samples: 0, t: now };
      idWindow = 0;
      rateWindow = 0;
    }
    if (step % o.checkpointEvery === 0) save();
  }
  seconds = sessionStartSeconds + (performance.now() - started) / 1000;
  save();
  compTape.dispose();
  recTape.dispose();
  idTape?.dispose();
  idExec?.dispose();
  (backend as { dispose?: () => void }).dispose?.();
  const done = step >= o.steps;
  if (done) freeze(o, comp, rec, compModel, recModel, paramList, log, chips.count, celeba.images.length);
  return { done, step };
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
  if (o.quantise === 'round') parts.push('--quantise round');
  if (o.freezeRecnet) parts.push('--freeze-recnet');
  if (Math.max(...o.delta) !== DELTA_RANGE[0]) parts.push(`--delta-max ${Math.max(...o.delta)}`);
  if (o.lumaOnlyAbove !== undefined) parts.push(`--luma-only-above ${o.lumaOnlyAbove}`);
  return parts.join(' ');
}

function freeze(o: TrainOptions, comp: NetSpec, rec: NetSpec, compModel: Model, recModel: Model, paramList: Array<[Model, string]>, log: LogRow[], lfwCount: number, celebaCount: number): void {
  const layout = o.layout ?? 'rgb';
  const last = log[log.length - 1];
  const meta = (model: string) => ({
    model,
    ...contractMetadata(codecContract(layout, o.delta, o.lumaOnlyAbove)),
    training: JSON.stringify({ layout, steps: o.steps, batch: o.batch, patch: o.patch, lr: o.lr, delta: o.delta, recognizer_weight: o.recognizerWeight ?? 0, rate_weight: o.rateWeight ?? 0, quantise: o.quantise ?? 'noise', freeze_recnet: !!o.freezeRecnet, init: o.init ?? null, seconds: Math.round(last?.seconds ?? 0), final_l1: last?.loss, final_psnr: last?.psnr, final_identity: last?.identity }),
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

- Data: ${lfwCount} aligned LFW chips from lfw-pairs/train-identity-disjoint.txt and train-unreferenced.txt (no image that a View 2 test pair references; the latter list includes other images of people who appear in test pairs, used without identity labels)${o.recognizerWeight ? '' : `, ${celebaCount} CelebA images (64x64 crops, ${Math.round(o.celebaShare * 100)}% of steps)`}. Manifest: codec-${o.name}-train-manifest.txt.
- ${o.recognizerWeight ? 'Whole chips (150x150, edge-padded to 152)' : `Crops ${o.patch}x${o.patch} from chips with random shifts`} and horizontal flips; batch ${o.batch}; ${o.steps} steps (${totalSamples} samples).
- Loss: L1 reconstruction${o.recognizerWeight ? ` + ${o.recognizerWeight} x squared distance between the frozen recognizer's embeddings of the restored and the original chip (embeddings of the originals computed once and cached; whole chips, not crops)` : ''}${o.rateWeight ? ` + ${o.rateWeight} x a rate proxy (mean log2(1 + |horizontal difference|) of the noisy code in quantisation steps, the residual PNG's Sub filter codes)` : ''}${o.init ? `, starting from ${path.basename(o.init.compnet)} and ${path.basename(o.init.recnet)}` : ''}. Quantisation in the loop ${o.quantise === 'round' ? 'as the encoder does it (the code rounded in' : 'as additive uniform noise on'} what the ${layout} code layout stores${layout === 'g420' ? ' (channel 1 at full resolution, the other two as 2x2-averaged differences to it, host/codec/layout.ts)' : ''}${o.quantise === 'round' ? ', the gradient straight through the rounding)' : ''}, step delta log-uniform in [${o.delta[0]}, ${o.delta[1]}], given to RecNet as its rate condition${o.lumaOnlyAbove !== undefined ? `; at steps above ${o.lumaOnlyAbove} the code stores its luma plane only (c0 = c2 = c1), as the encoder does there` : ''}.
${o.freezeRecnet ? `- Only CompNet (the encoder) is trained; RecNet keeps ${o.init ? path.basename(o.init.recnet) : 'its initial weights'} unchanged.\n` : ''}- Adam, peak learning rate ${o.lr}, 100 warm-up steps then cosine decay.
- Command: \`${trainCommand(o)}\`
- Wall time: ${((last?.seconds ?? 0) / 60).toFixed(1)} min on the 2-core machine, ${(totalSamples / (last?.seconds || 1)).toFixed(1)} samples/s.
- Final training L1 ${last?.loss.toFixed(4)}, PSNR ${last?.psnr.toFixed(2)} dB${last?.identity !== undefined ? `, squared embedding distance ${last.identity.toFixed(4)}` : ''}${last?.rate !== undefined ? `, rate proxy ${last.rate.toFixed(3)} bits per code sample` : ''} (restored vs originals, ${o.quantise === 'round' ? 'rounded' : 'noise-quantised'}, averaged over the last 20 steps).
- Loss curve: codec-${o.name}-loss.svg.
`,
  );
  o.log(`froze ${path.join(o.weightsDir, `compnet-${o.name}.safetensors`)} and recnet-${o.name}.safetensors`);
}
