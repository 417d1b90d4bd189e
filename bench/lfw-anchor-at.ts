// An anchor codec's accuracy interpolated (PCHIP in log bpp over its monotone envelope, as the
// Bjontegaard table) at each row of another codec, from a results file; and with --at, both curves
// interpolated at given rates. A codec written a+b is a's rows with b's at the settings a lacks (the
// product's curve while effort 1 is not yet run at every quality). Ends with the codec's Bjontegaard
// rate against the anchor at equal accuracy and at equal PSNR (as bench/eval/report.ts computes it),
// for comparing two models that the results file's table does not put side by side.
//   npx tsx bench/lfw-anchor-at.ts [bench/results/lfw-faceres.json] [facecodec-v3] [jpeg2000] [--at 0.2,0.4]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bdRate, monotoneCurve, pchip } from './eval/metrics.ts';
import { formatBd, ratePoints } from './eval/curves.ts';
import type { Row } from './eval/lfw.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { at: { type: 'string' } } });
const [file = 'bench/results/lfw-faceres.json', codec = 'facecodec-v3', anchor = 'jpeg2000'] = positionals;
const all = JSON.parse(readFileSync(file, 'utf8')) as Row[];

function rowsOf(name: string): Row[] {
  const out: Row[] = [];
  for (const part of name.split('+')) for (const r of all.filter((r) => r.codec === part)) if (!out.some((o) => o.setting === r.setting)) out.push(r);
  return out.sort((a, b) => a.bpp - b.bpp);
}

/** Accuracy at a rate from a codec's rows (PCHIP in log bpp on the monotone envelope); null outside. */
function curveOf(rows: Row[]): (bpp: number) => number | null {
  const c = monotoneCurve(rows.map((r) => ({ bpp: r.bpp, quality: r.accuracy }))).sort((x, y) => x.bpp - y.bpp);
  const f = pchip(c.map((p) => Math.log10(p.bpp)), c.map((p) => p.quality));
  return (bpp) => (c.length >= 2 && bpp >= c[0].bpp && bpp <= c[c.length - 1].bpp ? f(Math.log10(bpp)) : null);
}

const pct = (v: number | null) => (v === null ? 'outside its range' : `${(100 * v).toFixed(2)}%`);
const rows = rowsOf(codec), anchorAt = curveOf(rowsOf(anchor));
for (const r of rows) console.log(`${r.codec} ${r.setting}: ${r.bpp.toFixed(3)} bpp, ${(100 * r.accuracy).toFixed(2)}%; ${anchor} there: ${pct(anchorAt(r.bpp))}`);
const none = all.find((r) => r.codec === 'none');
for (const bpp of values.at ? values.at.split(',').map(Number) : []) {
  const v = curveOf(rows)(bpp);
  const gap = v !== null && none ? ` (${(100 * (none.accuracy - v)).toFixed(2)} below uncompressed ${(100 * none.accuracy).toFixed(2)}%)` : '';
  console.log(`at ${bpp} bpp: ${codec} ${pct(v)}${gap}; ${anchor} ${pct(anchorAt(bpp))}`);
}
const bd = (key: 'accuracy' | 'psnr') => formatBd(bdRate(ratePoints(rowsOf(anchor), key), ratePoints(rows, key)));
console.log(`Bjontegaard rate of ${codec} against ${anchor}: ${bd('accuracy')} at equal accuracy, ${bd('psnr')} at equal PSNR`);
