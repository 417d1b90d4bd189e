// One step of the codec's training objective (forward and backward through CompNet, RecNet and, when
// the identity weight is on, the frozen recognizer), without the optimiser: train-codec.ts runs it
// every step, bench/train-step.ts times it.
import type { Executor } from '../executor/executor.ts';
import type { Shape } from '../ops/op.ts';
import type { CodeLayout } from '../codec/layout.ts';
import { lumaOnlyAt, rateCondition, LEGACY_CONTRACT } from '../codec/contract.ts';
import { RATE_INPUT, RATE_SCALE, CODEC_FACTOR } from '../models/codec-graph.ts';
import { noisyCode, rateOfPlanes, roundedCode } from './code-noise.ts';
import { CHIP, CHIP_PADDED } from './data.ts';
import { reconstructionGrad, type Reconstruction } from './reconstruction.ts';

/** What the step needs of a tape (host/train/tape.ts). */
export interface TapeLike {
  forward(inputs: Record<string, { shape: Shape; data: Float32Array }>): Promise<{ values: Map<string, Float32Array> }>;
  backward(acts: any, seeds: Map<string, Float32Array>, wantInputs?: ReadonlySet<string>): Promise<{ params: Map<string, Float32Array>; inputs: Map<string, Float32Array> }> | { params: Map<string, Float32Array>; inputs: Map<string, Float32Array> };
}

export interface JointNets {
  comp: TapeLike;
  /** Whether CompNet takes the rate input too (codec-graph.ts CompnetOptions.conditioned). */
  compTakesRate?: boolean;
  rec: TapeLike;
  /** The frozen recognizer: a tape for the restored chip, an executor for the originals' embeddings. */
  id?: { tape: TapeLike; exec: Executor; targets: Map<string, Float32Array> };
}

export interface StepBatch {
  /** [n, size, size, 3] 0..255 */
  x: Float32Array;
  n: number;
  size: number;
  /** Whole 150x150 chips (identity term): the originals and their cache keys. */
  whole?: { x150: Float32Array; keys: string[] };
  deltas: number[];
  /** Whether the batch's codes are stored pooled (the contract's pooled tier, g420 only). */
  pooled?: boolean;
  /** Uniform [0, 1) draws for the quantisation noise. */
  rand: () => number;
}

export interface StepResult {
  comp: Map<string, Float32Array>;
  rec: Map<string, Float32Array>;
  /** Sums over the output's values (divide by count): L1 and squared error on the 0..1 scale. */
  l1: number;
  se: number;
  count: number;
  identity: number;
  rate: number;
}

/** lambda: identity weight; mu: rate weight; quantise: noise in place of rounding, or the rounding itself (code-noise.ts). */
export interface StepOptions {
  lambda: number;
  mu: number;
  layout: CodeLayout;
  quantise?: 'noise' | 'round';
  /** Steps above this store the luma plane only (the contract's lumaOnlyAbove; default: the legacy contract's, never). */
  lumaOnlyAbove?: number;
  /** The reconstruction term (default L1; see reconstructionGrad). */
  reconstruction?: Reconstruction;
}

export async function jointStep(nets: JointNets, b: StepBatch, o: StepOptions): Promise<StepResult> {
  const { n, size, x } = b;
  const h = size / CODEC_FACTOR;
  const plane = new Float32Array(n * h * h);
  const pooled = b.pooled ?? false;
  for (let i = 0; i < plane.length; i++) plane[i] = rateCondition({ rateScale: RATE_SCALE }, b.deltas[Math.floor(i / (h * h))], pooled);
  const rateInput = { shape: [n, h, h, 1], data: plane };
  const ca = await nets.comp.forward({ image: { shape: [n, size, size, 3], data: x }, ...(nets.compTakesRate ? { [RATE_INPUT]: rateInput } : {}) });
  const code = ca.values.get('code')!;
  const luma = b.deltas.map((d) => !pooled && lumaOnlyAt({ lumaOnlyAbove: o.lumaOnlyAbove ?? LEGACY_CONTRACT.lumaOnlyAbove }, d));
  const noisy = o.quantise === 'round' ? roundedCode(o.layout, code, n, h, h, b.deltas, luma, pooled) : noisyCode(o.layout, code, n, h, h, b.deltas, b.rand, luma, pooled);
  const ra = await nets.rec.forward({ code: { shape: [n, h, h, 3], data: noisy.input }, [RATE_INPUT]: rateInput });
  const out = ra.values.get('image')!;

  // The reconstruction term on the 0..1 scale (L1 and squared error are logged whichever it is).
  const g = new Float32Array(out.length), kind = o.reconstruction ?? 'l1';
  let l1 = 0, se = 0;
  for (let i = 0; i < out.length; i++) {
    const d = (out[i] - x[i]) / 255;
    l1 += Math.abs(d);
    const dc = (Math.min(255, Math.max(0, out[i])) - x[i]) / 255;
    se += dc * dc;
    g[i] = reconstructionGrad(kind, d, out.length);
  }
  const identity = b.whole && nets.id && o.lambda > 0 ? await identityTerm(nets.id, b.whole, out, g, n, o.lambda) : 0;
  const rb = await nets.rec.backward(ra, new Map([['image', g]]), new Set(['code']));
  let gPlanes: Float32Array[] | undefined, rate = 0;
  if (o.mu > 0) {
    const r = rateOfPlanes(noisy.planes, b.deltas, o.mu);
    rate = r.bits;
    gPlanes = r.grads;
  }
  const gCode = noisy.backward(rb.inputs.get('code')!, gPlanes);
  const cb = await nets.comp.backward(ca, new Map([['code', gCode]]));
  return { comp: cb.params, rec: rb.params, l1, se, count: out.length, identity, rate };
}

/**
 * The identity term: the restored 150x150 chip (the top-left of the 152 output, as the decoder crops it) through the
 * frozen recognizer, against the original's embedding (computed once per chip and cached). Adds its
 * gradient into g; returns the mean squared embedding distance.
 */
async function identityTerm(id: NonNullable<JointNets['id']>, whole: NonNullable<StepBatch['whole']>, out: Float32Array, g: Float32Array, n: number, lambda: number): Promise<number> {
  const P = CHIP * CHIP * 3, side = CHIP_PADDED;
  const missing = whole.keys.map((k, b) => [k, b] as const).filter(([k]) => !id.targets.has(k));
  if (missing.length) {
    const data = new Float32Array(missing.length * P);
    missing.forEach(([, b], j) => data.set(whole.x150.subarray(b * P, (b + 1) * P), j * P));
    const { descriptor } = await id.exec.run({ image: { shape: [missing.length, CHIP, CHIP, 3], data } });
    missing.forEach(([k], j) => id.targets.set(k, descriptor.data.slice(j * 128, (j + 1) * 128)));
  }
  const crop = new Float32Array(n * P);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < CHIP; y++) crop.set(out.subarray((b * side + y) * side * 3, ((b * side + y) * side + CHIP) * 3), (b * CHIP + y) * CHIP * 3);
  const ia = await id.tape.forward({ image: { shape: [n, CHIP, CHIP, 3], data: crop } });
  const e = ia.values.get('descriptor')!;
  const ge = new Float32Array(e.length);
  let dist = 0;
  whole.keys.forEach((k, b) => {
    const t = id.targets.get(k)!;
    for (let j = 0; j < 128; j++) {
      const d = e[b * 128 + j] - t[j];
      dist += (d * d) / n;
      ge[b * 128 + j] = (2 * lambda * d) / n;
    }
  });
  const gi = (await id.tape.backward(ia, new Map([['descriptor', ge]]), new Set(['image']))).inputs.get('image')!;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < CHIP; y++)
      for (let xx = 0; xx < CHIP * 3; xx++) g[(b * side + y) * side * 3 + xx] += gi[(b * CHIP + y) * CHIP * 3 + xx];
  return dist;
}
