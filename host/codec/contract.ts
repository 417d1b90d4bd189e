// A codec model's contract: what CompNet, RecNet, the container and the trainer must agree on. It
// travels in both model files (safetensors metadata key "codec_contract", JSON), written by the
// trainer. Models released before it (v1 to v3r) carry only "code_layout"; they get LEGACY_CONTRACT
// with that layout, the one place where those historical values are written down.
import { CodecError } from './png.ts';
import { CODE_LAYOUTS, type CodeLayout } from './layout.ts';

export interface CodecContract {
  /** How the quantised code is laid out in the PNG (layout.ts). */
  layout: CodeLayout;
  /** The code has ceil(H / factor) x ceil(W / factor) positions of 3 channels. */
  factor: number;
  /** Quantisation steps at quality 1 and at quality 100, log-spaced between: the trained range. */
  deltaRange: [number, number];
  /** RecNet's rate input is the quantisation step times this. */
  rateScale: number;
  /**
   * The residual tier (residual.ts): from quality `from` to 100 a file stores the code at quality
   * codeQuality (its header says so, and decode needs nothing else for the code) and the quantised
   * residual of RecNet's restoration; the residual's luma step is log-spaced from lumaSteps[0] (at
   * `from`) to lumaSteps[1] (at 100), the chroma step is chromaRatio times the luma step. It needs no
   * training: a contract written without it gets LEGACY_CONTRACT's.
   */
  residual: ResidualTier;
  /**
   * The bottom of the range (g420 only): at quantisation steps above this the file stores the c1
   * plane alone (layout.ts, header flag "luma only") and RecNet, trained so, restores the colour.
   * 256 (never) for models trained without it.
   */
  lumaOnlyAbove: number;
  /**
   * The pooled tier (layout.ts, header flag "pooled"; g420 only): qualities 1 to upTo store the code
   * pooled 2x2, at steps log-spaced from steps[0] (quality 1) to steps[1] (quality upTo) instead of
   * deltaRange's; RecNet's rate input there is minus the step times rateScale (rateCondition), so the
   * sign tells it the code was pooled. upTo 0 (no tier) for models trained without it.
   */
  pooled: PooledTier;
}

export interface PooledTier {
  upTo: number;
  steps: [number, number];
}

export interface ResidualTier {
  from: number;
  codeQuality: number;
  lumaSteps: [number, number];
  chromaRatio: number;
}

const NEVER_LUMA_ONLY = 256;
const NO_POOLED_TIER: PooledTier = { upTo: 0, steps: [1, 1] };

/** Models v1 to v3r (no "codec_contract" in their files). */
export const LEGACY_CONTRACT: CodecContract = {
  layout: 'rgb',
  factor: 4,
  deltaRange: [128, 2],
  rateScale: 1 / 16,
  // Qualities 1..90 keep their code and their meaning; 91..100 store quality 70's code (RecNet's PSNR
  // is flat from 70 to 100, 33.6 dB on View 1) plus the residual (bench/residual.ts).
  residual: { from: 91, codeQuality: 70, lumaSteps: [24, 7], chromaRatio: 0.75 },
  lumaOnlyAbove: NEVER_LUMA_ONLY,
  pooled: NO_POOLED_TIER,
};

export const CONTRACT_KEY = 'codec_contract';

/** The contract a model file declares (metadata of a loaded model). */
export function contractOf(metadata: Record<string, string>): CodecContract {
  const raw = metadata[CONTRACT_KEY];
  const c: CodecContract = raw ? parseContract(raw) : { ...LEGACY_CONTRACT, layout: (metadata.code_layout ?? 'rgb') as CodeLayout };
  if (!CODE_LAYOUTS.includes(c.layout)) throw new CodecError(`model declares an unknown code layout "${c.layout}"`);
  return c;
}

function parseContract(raw: string): CodecContract {
  let c: CodecContract;
  try {
    c = JSON.parse(raw);
  } catch {
    throw new CodecError(`model's ${CONTRACT_KEY} is not JSON`);
  }
  const ok =
    typeof c === 'object' && c !== null &&
    Number.isInteger(c.factor) && c.factor >= 1 && c.factor <= 64 &&
    Array.isArray(c.deltaRange) && c.deltaRange.length === 2 && c.deltaRange.every((d) => typeof d === 'number' && d >= 0.5 && d <= 255) &&
    typeof c.rateScale === 'number' && c.rateScale > 0 && Number.isFinite(c.rateScale) &&
    (c.residual === undefined || validTier(c.residual)) &&
    (c.lumaOnlyAbove === undefined || (typeof c.lumaOnlyAbove === 'number' && c.lumaOnlyAbove >= 2 && c.lumaOnlyAbove <= NEVER_LUMA_ONLY)) &&
    (c.lumaOnlyAbove === undefined || c.lumaOnlyAbove === NEVER_LUMA_ONLY || c.layout === 'g420') &&
    (c.pooled === undefined || (validPooled(c.pooled) && (c.pooled.upTo === 0 || c.layout === 'g420')));
  if (!ok) throw new CodecError(`model's ${CONTRACT_KEY} is malformed: ${raw.slice(0, 200)}`);
  const r = c.residual ?? LEGACY_CONTRACT.residual;
  const residual = { from: r.from, codeQuality: r.codeQuality, lumaSteps: [r.lumaSteps[0], r.lumaSteps[1]] as [number, number], chromaRatio: r.chromaRatio };
  const lumaOnlyAbove = c.lumaOnlyAbove ?? NEVER_LUMA_ONLY;
  const p = c.pooled ?? NO_POOLED_TIER;
  const pooled: PooledTier = { upTo: p.upTo, steps: [p.steps[0], p.steps[1]] };
  return { layout: c.layout, factor: c.factor, deltaRange: [c.deltaRange[0], c.deltaRange[1]], rateScale: c.rateScale, residual, lumaOnlyAbove, pooled };
}

const validPooled = (p: PooledTier): boolean =>
  typeof p === 'object' && p !== null && Number.isInteger(p.upTo) && p.upTo >= 0 && p.upTo <= 99 &&
  Array.isArray(p.steps) && p.steps.length === 2 && p.steps.every((s) => typeof s === 'number' && s >= 0.5 && s <= 255);

const validTier = (r: ResidualTier): boolean =>
  typeof r === 'object' && r !== null && Number.isInteger(r.from) && r.from >= 1 && r.from <= 101 &&
  Number.isInteger(r.codeQuality) && r.codeQuality >= 1 && r.codeQuality <= 100 &&
  Array.isArray(r.lumaSteps) && r.lumaSteps.length === 2 && r.lumaSteps.every((s) => typeof s === 'number' && s >= 1 && s <= 42) &&
  typeof r.chromaRatio === 'number' && r.chromaRatio >= 0.5 && r.chromaRatio <= 1.5;

/** At a quality of the residual tier: the code's quality and the residual's steps (residual.ts); undefined below the tier (from 101: no tier). */
export function residualTierAt(c: Pick<CodecContract, 'residual'>, quality: number): { codeQuality: number; luma: number; chroma: number } | undefined {
  checkQuality(quality);
  const { from, codeQuality, lumaSteps: [lo, hi], chromaRatio } = c.residual;
  if (quality < from) return undefined;
  const luma = from === 100 ? hi : lo * (hi / lo) ** ((quality - from) / (100 - from));
  return { codeQuality, luma: Math.round(luma * 4) / 4, chroma: Math.round(luma * chromaRatio * 4) / 4 };
}

/** Whether a code at step delta is stored as its luma plane alone (the bottom of the range). */
export const lumaOnlyAt = (c: Pick<CodecContract, 'lumaOnlyAbove'>, delta: number): boolean => delta > c.lumaOnlyAbove;

/** The metadata entry the trainer writes into both model files. */
export const contractMetadata = (c: CodecContract): Record<string, string> => ({ [CONTRACT_KEY]: JSON.stringify(c), code_layout: c.layout });

/** Whether a quality's code is stored pooled (the contract's pooled tier). */
export function pooledAt(c: Pick<CodecContract, 'pooled'>, quality: number): boolean {
  checkQuality(quality);
  return quality <= c.pooled.upTo;
}

/**
 * Quantisation step for a quality 1..100: log-spaced from deltaRange[0] (quality 1) to deltaRange[1]
 * (quality 100); in the pooled tier, from its steps[0] (quality 1) to steps[1] (its last quality).
 */
export function deltaFor(c: Pick<CodecContract, 'deltaRange'> & Partial<Pick<CodecContract, 'pooled'>>, quality: number): number {
  checkQuality(quality);
  const p = c.pooled;
  if (p && quality <= p.upTo) return p.upTo === 1 ? p.steps[0] : p.steps[0] * (p.steps[1] / p.steps[0]) ** ((quality - 1) / (p.upTo - 1));
  const [lo, hi] = c.deltaRange;
  return lo * (hi / lo) ** ((quality - 1) / 99);
}

/** RecNet's rate input (and a conditioned CompNet's) for a code at step delta: delta x rateScale, negative when the code is pooled. */
export const rateCondition = (c: Pick<CodecContract, 'rateScale'>, delta: number, pooled: boolean): number => (pooled ? -1 : 1) * delta * c.rateScale;

function checkQuality(quality: number): void {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new CodecError(`quality must be an integer 1..100, got ${quality}`);
}
