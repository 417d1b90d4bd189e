// The one registry of shipped codec models. A file stores its model's id; the weights are
// weights/compnet-<name>.safetensors and weights/recnet-<name>.safetensors. Id 0 marks files made by
// an unregistered model (a candidate under evaluation). Everything else a model promises (code
// layout, factor, quality-to-step map, RecNet's rate input) is in its files (contract.ts). An entry
// may also name the objective encode effort uses with it (chosen on View 1 for that model); the
// decoder never needs it.
import type { EffortWeights } from './effort.ts';

export interface ModelEntry {
  id: number;
  name: string;
  about: string;
  /** Encode effort's objective for this model (default effort.ts's EFFORT_WEIGHTS). */
  effort?: EffortWeights;
  /**
   * Whether the contract's pooled tier has its own CompNet/RecNet pair, so that the main pair stays as
   * trained for the other qualities, and whose: true for the model's own (weights/compnet-<name>-pooled,
   * recnet-<name>-pooled), or the name of the released model whose pooled pair it reuses (pooledPairOf).
   */
  pooledPair?: true | string;
  /** Whose files the main pair is (default the model's own name): a model that adds a pooled tier to a released one reuses its files. */
  mainPair?: string;
}

/** The file name of the pooled-tier pair a model named `name` trains. */
export const pooledPairName = (name: string) => `${name}-pooled`;
/** The file name of a registered model's pooled-tier pair (its own or the one it reuses), or undefined if it has none. */
export const pooledPairOf = (m: Pick<ModelEntry, 'name' | 'pooledPair'>) => (m.pooledPair === undefined ? undefined : pooledPairName(m.pooledPair === true ? m.name : m.pooledPair));
/** The name of a model's main pair's files. */
export const mainPairName = (m: Pick<ModelEntry, 'name' | 'mainPair'>) => m.mainPair ?? m.name;
/** The file names of every pair a registered model loads: its main pair's, then its pooled tier's where it has one. */
export const pairNames = (m: Pick<ModelEntry, 'name' | 'mainPair' | 'pooledPair'>): string[] => [mainPairName(m), ...(m.pooledPair === undefined ? [] : [pooledPairOf(m)!])];

export const MODEL_REGISTRY: ModelEntry[] = [
  { id: 1, name: 'v1', about: 'reconstruction only, rgb layout' },
  { id: 2, name: 'v2', about: 'v1 fine-tuned through the frozen recognizer, rgb layout' },
  { id: 3, name: 'v3', about: 'v3r fine-tuned through the frozen recognizer, g420 layout' },
  { id: 4, name: 'v3r', about: "v1 fine-tuned for reconstruction in the g420 layout (v3's ablation twin)" },
  { id: 5, name: 'v4', about: 'v3 fine-tuned through the frozen recognizer on the rounded code over steps 2..180, luma plane only above 102 (the bottom of the range)' },
  { id: 6, name: 'v5', about: 'v4 with RecNet grown from 2 to 6 residual blocks (1.22 GFLOP), trained 14,000 steps (56,000 samples, a quarter of the steps CelebA reconstruction) through the frozen recognizer' },
  {
    id: 7,
    name: 'v6',
    about: 'v5 trained 17,000 more steps (68,000 samples) through the frozen recognizer at identity weight 1 (candidates v6r then v7r)',
    // bench/results/codec-effort-v6.md (View 1 held-out chips): against (1, 0.5, L1), the same identity
    // gain at quality 1 and +0.75 dB at 21, +0.36 at 36, for 2-4% more bytes.
    effort: { identity: 1, rate: 0.1, reconstruction: 'l2' },
  },
  {
    id: 8,
    name: 'v7',
    about: "v6's networks for qualities 14 to 100 and, for 1 to 13, a pooled tier (the code's 2x2 means, steps 56 to 12) with its own pair: v6 trained 6,000 steps with the tier on 40% of them (candidate v12p), then 4,000 on the tier alone (v12q)",
    effort: { identity: 1, rate: 0.1, reconstruction: 'l2' },
    pooledPair: true,
    mainPair: 'v6',
  },
  {
    id: 9,
    name: 'v8',
    about: "v7's pooled tier (its own pair) for qualities 1 to 13 and, for 14 to 100, a main pair that leans to reconstruction: v6 (v7r) trained 7,000 steps with the squared error at identity weight 1 (candidate v8l2), 12,000 at 0.3 (v9i03), then 10,000 with the squared error alone (v10r); stored in F16",
    // bench/results/codec-effort-v10r.md (View 1 held-out chips): v6's objective, the same as v7's.
    effort: { identity: 1, rate: 0.1, reconstruction: 'l2' },
    pooledPair: 'v7',
  },
];

/** Model id -> name. */
export const MODELS: Record<number, string> = Object.fromEntries(MODEL_REGISTRY.map((m) => [m.id, m.name]));
export const DEFAULT_MODEL_ID = 8;
