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
}

/** Models v1 to v3r (no "codec_contract" in their files). */
export const LEGACY_CONTRACT: CodecContract = { layout: 'rgb', factor: 4, deltaRange: [128, 2], rateScale: 1 / 16 };

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
    typeof c.rateScale === 'number' && c.rateScale > 0 && Number.isFinite(c.rateScale);
  if (!ok) throw new CodecError(`model's ${CONTRACT_KEY} is malformed: ${raw.slice(0, 200)}`);
  return { layout: c.layout, factor: c.factor, deltaRange: [c.deltaRange[0], c.deltaRange[1]], rateScale: c.rateScale };
}

/** The metadata entry the trainer writes into both model files. */
export const contractMetadata = (c: CodecContract): Record<string, string> => ({ [CONTRACT_KEY]: JSON.stringify(c), code_layout: c.layout });

/** Quantisation step for a quality 1..100: log-spaced from deltaRange[0] (quality 1) to deltaRange[1] (quality 100). */
export function deltaFor(c: Pick<CodecContract, 'deltaRange'>, quality: number): number {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new CodecError(`quality must be an integer 1..100, got ${quality}`);
  const [lo, hi] = c.deltaRange;
  return lo * (hi / lo) ** ((quality - 1) / 99);
}
