// Bjontegaard rate of one model against another from bench/effort.ts tables (the View 1 held-out chips,
// 150x150): at equal PSNR (the mean of the per-chip PSNRs) and at equal recognizer distance (dlib's,
// original vs restored; a proxy for verification accuracy that needs no pairs). Each side is one or
// more files (comma-separated; FILE:K takes only the K-th effort table of a file) and the rows of one
// effort level and, above effort 0, one objective; qualities both sides have are listed side by side,
// every row of each side goes into its curve.
//   npx tsx bench/effort-bd.ts A.md[,A2.md:2] B.md [--effort 0] [--objective 1,0.1,l2]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bdRate, type RatePoint } from './eval/metrics.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { effort: { type: 'string', default: '0' }, objective: { type: 'string', default: '1,0.1,l2' } } });
if (positionals.length !== 2) throw new Error('usage: npx tsx bench/effort-bd.ts A.md[,A2.md:K] B.md[,B2.md:K] [--effort 0] [--objective identity,rate,l1|l2]');
const CHIP_PIXELS = 150 * 150;

interface EffortRow {
  quality: number;
  bytes: number;
  distance: number;
  psnr: number;
}

/** The rows of one effort level (and objective, above 0) from bench/effort.ts tables; the first file's row wins a quality. */
function rowsOf(files: string, effort: number, objective: string[]): EffortRow[] {
  const out: EffortRow[] = [];
  for (const spec of files.split(',')) {
    const [file, k] = spec.split(':');
    let table = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('| identity weight |')) table++;
      if (k !== undefined && table !== Number(k)) continue;
      const c = line.split('|').slice(1, -1).map((s) => s.trim());
      if (c.length !== 10 || !/^\d+$/.test(c[3]) || Number(c[4]) !== effort) continue;
      if (effort > 0 && c.slice(0, 3).join() !== objective.join()) continue;
      const row = { quality: Number(c[3]), bytes: Number(c[5]), distance: Number(c[6]), psnr: Number(c[8]) };
      if (!out.some((r) => r.quality === row.quality)) out.push(row);
    }
  }
  if (out.length < 2) throw new Error(`${files}: fewer than 2 rows at effort ${effort}${effort ? ` with objective ${objective}` : ''}`);
  return out.sort((a, b) => a.quality - b.quality);
}

const bpp = (r: EffortRow) => (r.bytes * 8) / CHIP_PIXELS;
const psnrCurve = (rows: EffortRow[]): RatePoint[] => rows.map((r) => ({ bpp: bpp(r), quality: r.psnr }));
// A smaller distance is better: the curve's quality is its negative.
const distanceCurve = (rows: EffortRow[]): RatePoint[] => rows.map((r) => ({ bpp: bpp(r), quality: -r.distance }));
const pct = (v: number | null) => (v === null ? '-' : `${v > 0 ? '+' : ''}${(100 * v).toFixed(1)}%`);

const effort = Number(values.effort);
const objective = values.objective!.split(',');
const [a, b] = positionals.map((f) => rowsOf(f, effort, objective));
console.log(`| quality | bytes (A / B) | PSNR dB (A / B) | recognizer distance (A / B) |\n|---|---|---|---|`);
for (const x of a) {
  const y = b.find((r) => r.quality === x.quality);
  if (y) console.log(`| ${x.quality} | ${x.bytes} / ${y.bytes} | ${x.psnr} / ${y.psnr} | ${x.distance} / ${y.distance} |`);
}
console.log(`\nB against A (Bjontegaard, negative = fewer bits): ${pct(bdRate(psnrCurve(a), psnrCurve(b)))} at equal PSNR, ${pct(bdRate(distanceCurve(a), distanceCurve(b)))} at equal recognizer distance`);
