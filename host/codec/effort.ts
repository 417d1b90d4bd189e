// Encode effort: before quantising, refine each image's code by gradient descent through the frozen
// RecNet (and, for 150x150 face chips, the frozen recognizer), so that what the decoder will restore
// is closer to the original. The decoder is unchanged; the file format is unchanged.
//
// Objective per image, the training objective of the joint models: mean |restored - original| / 255
// + identity * ||embed(restored) - embed(original)||^2 (chips only) + rate * the rate proxy of the
// stored planes (code-noise.ts). Every iteration restores
// the code exactly as the decoder will (quantised in the model's layout), and the gradient passes
// straight through the rounding (through the layout's linear steps, code-noise.ts at zero noise).
// Adam on the code, step size a fraction of the quantisation step; the best iterate is kept, so a
// higher effort never ends with a worse objective than effort 0's code. A luma-only file's chroma
// cells (chroma.ts) come from the original and are applied after RecNet; the objective sees RecNet's
// output without them (they do not depend on the code).
import type { Backend } from '../backends/backend.ts';
import type { Model } from '../format/model.ts';
import { Executor } from '../executor/executor.ts';
import { Tape } from '../train/tape.ts';
import { Adam } from '../train/adam.ts';
import { RECONSTRUCTIONS, reconstructionGrad, reconstructionLoss, type Reconstruction } from '../train/reconstruction.ts';
import { CodecError } from './errors.ts';
import { rateOfPlanes, roundedCode, type Plane } from '../train/code-noise.ts';
import { lumaOnlyAt, rateCondition, type CodecContract } from './contract.ts';
import { MODEL_REGISTRY } from './models.ts';
import { RATE_INPUT } from '../models/codec-graph.ts';

/** Iterations per effort level (0: CompNet's code as it is). */
export const EFFORT_ITERATIONS = [0, 4, 10, 25];
/** Weights of the objective's terms (effort's own, not training's). */
export interface EffortWeights {
  /** identity: ||embed(restored) - embed(original)||^2; rate: code-noise.ts's rate proxy (bits per sample). */
  identity: number;
  rate: number;
  /** The reconstruction term: mean |d| (default) or 16 x mean d^2 (the trainer's --reconstruction l2), d = (restored - original) / 255. */
  reconstruction?: Reconstruction;
}
/**
 * Chosen on LFW View 1 held-out chips (bench/view1/pairs-heldout.txt, never View 2) with model v3 at
 * quality 1, effort 1 (`npx tsx bench/effort.ts`, bench/results/codec-effort.md): (identity 1,
 * rate 0.5), (3, 0.5) and (3, 0.05) all brought the mean recognizer distance from 0.457 to 0.30 for
 * 5-6% more bytes (quality 15 at effort 0 needs 38% more bytes for 0.321); (1, 0.5) used the fewest.
 */
export const EFFORT_WEIGHTS: EffortWeights = { identity: 1, rate: 0.5 };
/** The objective effort uses with a model: its registry entry's (models.ts), else EFFORT_WEIGHTS. */
export function effortWeightsFor(modelId: number): EffortWeights {
  return MODEL_REGISTRY.find((m) => m.id === modelId)?.effort ?? EFFORT_WEIGHTS;
}
/** The weights themselves, or a CodecError saying what is wrong with them. */
export function checkEffortWeights(w: EffortWeights): EffortWeights {
  const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (!ok(w.identity) || !ok(w.rate)) throw new CodecError(`effort weights: identity and rate must be finite numbers >= 0, got ${JSON.stringify(w)}`);
  if (w.reconstruction !== undefined && !RECONSTRUCTIONS.includes(w.reconstruction)) throw new CodecError(`effort weights: reconstruction must be ${RECONSTRUCTIONS.join(' or ')}, got ${JSON.stringify(w.reconstruction)}`);
  return w;
}
/** Adam's step as a fraction of the quantisation step (0.25 made every iterate worse than CompNet's code; 0.05 and 0.01 improved it, 0.05 fastest). */
const STEP_FRACTION = 0.05;
const CHIP = 150;

export interface RefineInput {
  /** CompNet's codes [n, h, w, 3]. */
  code: Float32Array;
  /** The edge-padded images [n, h*factor, w*factor, 3], 0..255. */
  images: Float32Array;
  /** Original size (the chip test and the loss crop). */
  width: number;
  height: number;
  n: number;
  h: number;
  w: number;
  delta: number;
  /** Whether the code is stored pooled (the contract's pooled tier at this quality). */
  pooled: boolean;
  iterations: number;
}

export class CodeRefiner {
  private recTape: Tape;
  private idTape?: Tape;
  private idExec?: Executor;

  constructor(rec: Model, recognizer: Model | undefined, backend: Backend, private contract: CodecContract, readonly weights: EffortWeights = EFFORT_WEIGHTS) {
    this.recTape = new Tape(rec, backend, new Set());
    if (recognizer) {
      this.idTape = new Tape(recognizer, backend, new Set());
      this.idExec = new Executor(recognizer, backend);
    }
  }

  /** Refined codes [n, h, w, 3] (CompNet's own where no iterate did better) and each image's objective before and after. */
  async refine(r: RefineInput): Promise<{ code: Float32Array; before: Float64Array; after: Float64Array }> {
    const chip = r.width === CHIP && r.height === CHIP && this.idTape !== undefined;
    const targets = chip ? await this.embed(r.images, r) : undefined;
    const code = r.code.slice();
    const adam = new Adam([code]);
    const best = { loss: new Float64Array(r.n).fill(Infinity), code: r.code.slice() };
    const per = r.h * r.w * 3;
    let before = best.loss;
    for (let it = 0; it <= r.iterations; it++) {
      const { loss, grad } = await this.objective(code, r, targets);
      if (it === 0) before = loss.slice();
      for (let k = 0; k < r.n; k++)
        if (loss[k] < best.loss[k]) {
          best.loss[k] = loss[k];
          best.code.set(code.subarray(k * per, (k + 1) * per), k * per);
        }
      if (it === r.iterations) break;
      adam.step([grad], STEP_FRACTION * r.delta);
      for (let i = 0; i < code.length; i++) code[i] = Math.min(255, Math.max(0, code[i]));
    }
    return { code: best.code, before, after: best.loss };
  }

  /** The objective of each image and its gradient w.r.t. the (unquantised) code. */
  private async objective(code: Float32Array, r: RefineInput, targets?: Float32Array): Promise<{ loss: Float64Array; grad: Float32Array }> {
    const { n, h, w } = r;
    // The code as the decoder restores it, with the layout's linear steps (code-noise.ts): their
    // backward pass, and the planes the rate is measured on.
    const { layout } = this.contract, deltas = new Array(n).fill(r.delta), luma = new Array(n).fill(!r.pooled && lumaOnlyAt(this.contract, r.delta));
    const rounded = roundedCode(layout, code, n, h, w, deltas, luma, r.pooled);
    const plane = new Float32Array(n * h * w).fill(rateCondition(this.contract, r.delta, r.pooled));
    const ra = await this.recTape.forward({ code: { shape: [n, h, w, 3], data: rounded.input }, [RATE_INPUT]: { shape: [n, h, w, 1], data: plane } });
    const out = ra.values.get('image')!;
    const PH = h * this.contract.factor, PW = w * this.contract.factor;
    const loss = new Float64Array(n), g = new Float32Array(out.length);
    const count = r.width * r.height * 3, kind = this.weights.reconstruction ?? 'l1';
    for (let k = 0; k < n; k++)
      for (let y = 0; y < r.height; y++)
        for (let x = 0; x < r.width * 3; x++) {
          const i = (k * PH + y) * PW * 3 + x, d = (out[i] - r.images[i]) / 255;
          loss[k] += reconstructionLoss(kind, d, count);
          g[i] = reconstructionGrad(kind, d, count);
        }
    if (targets) await this.identityTerm(out, r, targets, loss, g);
    const gCode = (await this.recTape.backward(ra, new Map([['image', g]]), new Set(['code']))).inputs.get('code')!;
    // The rate term per image: its bits join that image's loss, its gradient that image's slice.
    const grads = rounded.planes.map((p) => new Float32Array(p.data.length));
    for (let k = 0; k < n; k++) {
      const rate = rateOfPlanes(rounded.planes.map((p) => slice(p, k, n)), [r.delta], this.weights.rate);
      loss[k] += this.weights.rate * rate.bits;
      rate.grads.forEach((g, j) => grads[j].set(g, k * g.length));
    }
    return { loss, grad: rounded.backward(gCode, grads) };
  }

  /** Adds identity * ||embed(restored) - target||^2 to loss and its gradient to g (chips only). */
  private async identityTerm(out: Float32Array, r: RefineInput, targets: Float32Array, loss: Float64Array, g: Float32Array): Promise<void> {
    const crop = this.crop(out, r);
    const ia = await this.idTape!.forward({ image: { shape: [r.n, CHIP, CHIP, 3], data: crop } });
    const e = ia.values.get('descriptor')!;
    const ge = new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) {
      const d = e[i] - targets[i];
      loss[Math.floor(i / (e.length / r.n))] += this.weights.identity * d * d;
      ge[i] = 2 * this.weights.identity * d;
    }
    const gi = (await this.idTape!.backward(ia, new Map([['descriptor', ge]]), new Set(['image']))).inputs.get('image')!;
    const PW = r.w * this.contract.factor, PH = r.h * this.contract.factor;
    for (let k = 0; k < r.n; k++)
      for (let y = 0; y < CHIP; y++)
        for (let x = 0; x < CHIP * 3; x++) g[(k * PH + y) * PW * 3 + x] += gi[(k * CHIP + y) * CHIP * 3 + x];
  }

  /** The top-left width x height of each padded image. */
  private crop(images: Float32Array, r: RefineInput): Float32Array {
    const PW = r.w * this.contract.factor, PH = r.h * this.contract.factor;
    const out = new Float32Array(r.n * CHIP * CHIP * 3);
    for (let k = 0; k < r.n; k++)
      for (let y = 0; y < CHIP; y++) out.set(images.subarray((k * PH + y) * PW * 3, ((k * PH + y) * PW + CHIP) * 3), (k * CHIP + y) * CHIP * 3);
    return out;
  }

  private async embed(images: Float32Array, r: RefineInput): Promise<Float32Array> {
    const { descriptor } = await this.idExec!.run({ image: { shape: [r.n, CHIP, CHIP, 3], data: this.crop(images, r) } });
    return descriptor.data.slice();
  }

  dispose(): void {
    this.recTape.dispose();
    this.idTape?.dispose();
    this.idExec?.dispose();
  }
}

/** Image k of a plane holding n images. */
function slice(p: Plane, k: number, n: number): Plane {
  const per = p.data.length / n;
  return { ...p, data: p.data.subarray(k * per, (k + 1) * per) };
}
