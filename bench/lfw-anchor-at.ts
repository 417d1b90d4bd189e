// An anchor codec's accuracy interpolated (PCHIP in log bpp, as the Bjontegaard table) at each row of
// another codec, from a results file. Run: npx tsx bench/lfw-anchor-at.ts [bench/results/lfw-faceres.json] [facecodec-v3] [jpeg2000]
import { readFileSync } from 'node:fs';
import { monotoneCurve, pchip } from './eval/metrics.ts';
import type { Row } from './eval/lfw.ts';

const [file = 'bench/results/lfw-faceres.json', codec = 'facecodec-v3', anchor = 'jpeg2000'] = process.argv.slice(2);
const rows = JSON.parse(readFileSync(file, 'utf8')) as Row[];
const c = monotoneCurve(rows.filter((r) => r.codec === anchor).map((r) => ({ bpp: r.bpp, quality: r.accuracy }))).sort((x, y) => x.bpp - y.bpp);
const at = pchip(c.map((p) => Math.log10(p.bpp)), c.map((p) => p.quality));
for (const r of rows.filter((r) => r.codec === codec)) {
  const inside = c.length >= 2 && r.bpp >= c[0].bpp && r.bpp <= c[c.length - 1].bpp;
  console.log(`${codec} ${r.setting}: ${r.bpp.toFixed(3)} bpp, ${(100 * r.accuracy).toFixed(2)}%; ${anchor} there: ${inside ? `${(100 * at(Math.log10(r.bpp))).toFixed(2)}%` : 'outside its range'}`);
}
