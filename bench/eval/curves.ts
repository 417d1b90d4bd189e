// Rows of the LFW benchmark's results (bench/results/lfw*.json) picked out as rate curves.
import type { RatePoint } from './metrics.ts';
import type { Row } from './lfw.ts';

/** A codec's rows, by setting. */
export const byCodec = (codec: string) => (all: Row[]) => all.filter((r) => r.codec === codec).sort((a, b) => a.setting - b.setting);

/**
 * A model's effort-1 rows where measured and `before`'s rows (effort 0) at the other qualities: the
 * curve the product delivers while effort-1 runs come one quality at a time (effort is per call). No
 * rows until a quality is measured at effort 1.
 */
export function withEffort1(model: string, all: Row[], before: Row[] = byCodec(`facecodec-${model}`)(all)): Row[] {
  const measured = byCodec(`facecodec-${model}@e1`)(all);
  const rest = before.filter((r) => !measured.some((m) => m.setting === r.setting));
  return measured.length ? [...measured, ...rest].sort((a, b) => a.setting - b.setting) : [];
}

/** Rows as rate points of one measure; rows without it (the PSNR of an uncompressed row) are left out. */
export const ratePoints = (rows: Row[], key: 'accuracy' | 'psnr'): RatePoint[] =>
  rows.flatMap((r) => (r[key] === null ? [] : [{ bpp: r.bpp, quality: r[key] }]));

/** A Bjontegaard rate (bdRate's fraction) as a signed percentage; "-" where the curves do not overlap. */
export const formatBd = (v: number | null) => (v === null ? '-' : `${v > 0 ? '+' : ''}${(100 * v).toFixed(1)}%`);
