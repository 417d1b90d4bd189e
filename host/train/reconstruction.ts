// The reconstruction term shared by training (joint-step.ts) and encode effort (host/codec/effort.ts):
// L1 or scaled squared error between the restored and the original pixel, on the 0..1 scale.
// Pure arithmetic with no imports, so the browser bundle (which carries effort) can use it.

export type Reconstruction = 'l1' | 'l2';
export const RECONSTRUCTIONS: Reconstruction[] = ['l1', 'l2'];

/**
 * L2's weight: the term is L2_SCALE * mean squared error on the 0..1 scale, so that its gradient
 * equals L1's (sign / count) where |error| = 1 / (2 * L2_SCALE) = 1/32, about the mean absolute error
 * of the trained models (final training L1 0.03 to 0.037): the identity weight keeps its meaning.
 */
export const L2_SCALE = 16;

/** The term's contribution of the error d = (out[i] - x[i]) / 255 of one of count values. */
export const reconstructionLoss = (kind: Reconstruction, d: number, count: number): number =>
  (kind === 'l2' ? L2_SCALE * d * d : Math.abs(d)) / count;

/** d(term)/d(out[i]) for the error d = (out[i] - x[i]) / 255 of one of count values. */
export const reconstructionGrad = (kind: Reconstruction, d: number, count: number): number =>
  (kind === 'l2' ? 2 * L2_SCALE * d : Math.sign(d)) / count / 255;
