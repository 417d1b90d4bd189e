// Result files of the LFW benchmark: rows JSON, a markdown table with Bjontegaard-style savings,
// and hand-written SVG plots (one curve per codec).
import { bdRate, monotoneCurve, pchip } from './metrics.ts';
import type { Row } from './lfw.ts';
import { formatBd, ratePoints } from './curves.ts';

/** Rows named <codec>/c1 were measured with the version-1 container (before model v4). */
export const CODEC_ORDER = ['none', 'jpeg', 'jpeg2000', 'webp', 'avif', 'jxl', 'facecodec', 'facecodec-v3', 'facecodec-v3r', 'facecodec-v2', 'facecodec-v1', 'facecodec-v3/c1', 'facecodec-v3r/c1', 'facecodec-v2/c1', 'facecodec-v1/c1'];
/** The reconstruction-only twin of the default (joint) model, for the ablation table. */
export const ABLATION: [string, string] = ['facecodec-v3/c1', 'facecodec-v3r/c1'];
const COLORS: Record<string, string> = { jpeg: '#d62728', jpeg2000: '#1f77b4', webp: '#2ca02c', avif: '#9467bd', jxl: '#ff7f0e', facecodec: '#000000', 'facecodec-v3': '#e377c2', 'facecodec-v3/c1': '#555555', 'facecodec-v3r/c1': '#999999', 'facecodec-v2/c1': '#8c564b', 'facecodec-v1/c1': '#bcbd22', none: '#7f7f7f' };
/** Earlier and ablation models are drawn dashed so the default model and the baselines stand out. */
const dashed = (codec: string) => codec.startsWith('facecodec-');

/** Replaces rows with the same (codec, setting) and sorts by codec order then bpp. */
export function mergeRows(old: Row[], fresh: Row[]): Row[] {
  const key = (r: Row) => `${r.codec}\u0000${r.setting}`;
  const m = new Map(old.map((r) => [key(r), r]));
  for (const r of fresh) m.set(key(r), r);
  const rank = (c: string) => (CODEC_ORDER.indexOf(c) + 1 || 99);
  return [...m.values()].sort((a, b) => rank(a.codec) - rank(b.codec) || a.codec.localeCompare(b.codec) || a.bpp - b.bpp);
}

const pct = (v: number) => (100 * v).toFixed(2);
const curve = (rows: Row[], codec: string, key: 'accuracy' | 'psnr') => ratePoints(rows.filter((r) => r.codec === codec), key);

export function markdown(rows: Row[]): string {
  const lines = [
    '| codec | setting | bpp | PSNR (dB) | SSIM | accuracy (%) | std (%) | ROC AUC | TAR@FAR=1e-2 |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(`| ${r.codec} | ${r.setting} | ${r.bpp.toFixed(3)} | ${r.psnr === null ? '-' : r.psnr.toFixed(2)} | ${r.ssim === null ? '-' : r.ssim.toFixed(4)} | ${pct(r.accuracy)} | ${pct(r.std)} | ${r.auc.toFixed(4)} | ${r.tar_far1e2.toFixed(4)} |`);
  const codecs = [...new Set(rows.map((r) => r.codec))].filter((c) => c !== 'none');
  const anchors = ['jpeg2000', 'jpeg', 'webp', 'avif', 'jxl'].filter((a) => codecs.includes(a));
  const psnrAnchors = anchors.slice(0, 2);
  if (anchors.length && codecs.length > 1) {
    lines.push('', 'Bjontegaard-style average bitrate difference at equal verification accuracy (and at equal PSNR), negative = fewer bits than the anchor; "-" where the curves do not overlap:', '');
    lines.push(`| codec | ${anchors.map((a) => `vs ${a} (accuracy)`).join(' | ')} | ${psnrAnchors.map((a) => `vs ${a} (PSNR)`).join(' | ')} |`);
    lines.push(`|---|${anchors.map(() => '---|').join('')}${psnrAnchors.map(() => '---|').join('')}`);
    for (const c of codecs) {
      const acc = anchors.map((a) => formatBd(a === c ? null : bdRate(curve(rows, a, 'accuracy'), curve(rows, c, 'accuracy'))));
      const ps = psnrAnchors.map((a) => formatBd(a === c ? null : bdRate(curve(rows, a, 'psnr'), curve(rows, c, 'psnr'))));
      lines.push(`| ${c} | ${acc.join(' | ')} | ${ps.join(' | ')} |`);
    }
  }
  const [joint, recon] = ABLATION;
  const j2k = monotoneCurve(curve(rows, 'jpeg2000', 'accuracy')).sort((a, b) => a.bpp - b.bpp);
  const j2kAt = (bpp: number) => (j2k.length >= 2 && bpp >= j2k[0].bpp && bpp <= j2k[j2k.length - 1].bpp ? pchip(j2k.map((p) => Math.log10(p.bpp)), j2k.map((p) => p.quality))(Math.log10(bpp)) : null);
  const pairs = rows.filter((r) => r.codec === joint).map((r) => [r, rows.find((o) => o.codec === recon && o.setting === r.setting)] as const);
  if (pairs.length) {
    lines.push('', `Ablation at each quality: ${recon} (reconstruction only) vs ${joint} (trained through the recognizer); JPEG2000's accuracy interpolated (PCHIP in log bpp) at the joint model's bpp; none = uncompressed:`, '');
    lines.push('| quality | bpp (recon) | accuracy (recon) | bpp (joint) | accuracy (joint) | JPEG2000 at joint bpp | joint - JPEG2000 (points) |', '|---|---|---|---|---|---|---|');
    for (const [j, r] of pairs) {
      const at = j2kAt(j.bpp);
      lines.push(`| ${j.setting} | ${r ? r.bpp.toFixed(3) : '-'} | ${r ? pct(r.accuracy) : '-'} | ${j.bpp.toFixed(3)} | ${pct(j.accuracy)} | ${at === null ? 'outside its range' : pct(at)} | ${at === null ? '-' : (100 * (j.accuracy - at)).toFixed(2)} |`);
    }
    const bd = bdRate(curve(rows, recon, 'accuracy'), curve(rows, joint, 'accuracy'));
    lines.push('', `Bjontegaard-style bitrate difference of ${joint} against ${recon} at equal accuracy: ${formatBd(bd)}.`);
  }
  return lines.join('\n') + '\n';
}

/** Line plot of y against bpp (log axis), one polyline per codec, uncompressed as a dashed line. */
export function svgPlot(rows: Row[], y: (r: Row) => number | null, yLabel: string, title: string): string {
  const W = 680, H = 420, L = 64, R = 140, T = 36, B = 52;
  const pts = rows.filter((r) => r.codec !== 'none' && y(r) !== null);
  const ref = rows.find((r) => r.codec === 'none');
  const ys = pts.map((r) => y(r)!).concat(ref && y(ref) !== null ? [y(ref)!] : []);
  if (!pts.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="40">no data</text></svg>\n`;
  const x0 = Math.log10(Math.min(0.08, ...pts.map((r) => r.bpp))), x1 = Math.log10(Math.max(2, ...pts.map((r) => r.bpp)));
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  const pad = (y1 - y0) * 0.05 || 1;
  y0 -= pad;
  y1 += pad;
  const px = (b: number) => L + ((Math.log10(b) - x0) / (x1 - x0)) * (W - L - R);
  const py = (v: number) => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="14">${title}</text>`,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#444"/>`,
  ];
  for (const b of [0.1, 0.2, 0.3, 0.5, 1, 1.5, 2].filter((b) => Math.log10(b) >= x0 && Math.log10(b) <= x1)) {
    out.push(`<line x1="${px(b).toFixed(1)}" y1="${T}" x2="${px(b).toFixed(1)}" y2="${H - B}" stroke="#ddd"/>`);
    out.push(`<text x="${px(b).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${b}</text>`);
  }
  const step = [0.1, 0.2, 0.5, 1, 2, 5, 10].find((s) => (y1 - y0) / s <= 8) ?? 20;
  for (let v = Math.ceil(y0 / step) * step; v <= y1; v += step) {
    out.push(`<line x1="${L}" y1="${py(v).toFixed(1)}" x2="${W - R}" y2="${py(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(2)}</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">bits per pixel (whole file, 150x150 chip, log scale)</text>`);
  out.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`);
  if (ref && y(ref) !== null) {
    out.push(`<line x1="${L}" y1="${py(y(ref)!).toFixed(1)}" x2="${W - R}" y2="${py(y(ref)!).toFixed(1)}" stroke="${COLORS.none}" stroke-dasharray="5 4"/>`);
  }
  const codecs = [...new Set(pts.map((r) => r.codec))];
  codecs.forEach((c, i) => {
    const cs = pts.filter((r) => r.codec === c).sort((a, b) => a.bpp - b.bpp);
    const col = COLORS[c] ?? '#8c564b';
    const dash = dashed(c) ? ' stroke-dasharray="6 3"' : '';
    out.push(`<polyline fill="none" stroke="${col}" stroke-width="2"${dash} points="${cs.map((r) => `${px(r.bpp).toFixed(1)},${py(y(r)!).toFixed(1)}`).join(' ')}"/>`);
    for (const r of cs) out.push(`<circle cx="${px(r.bpp).toFixed(1)}" cy="${py(y(r)!).toFixed(1)}" r="3" fill="${col}"/>`);
    out.push(`<line x1="${W - R + 12}" y1="${T + 10 + i * 18}" x2="${W - R + 32}" y2="${T + 10 + i * 18}" stroke="${col}" stroke-width="2"${dash}/><text x="${W - R + 38}" y="${T + 14 + i * 18}">${c}</text>`);
  });
  if (ref && y(ref) !== null) out.push(`<line x1="${W - R + 12}" y1="${T + 10 + codecs.length * 18}" x2="${W - R + 32}" y2="${T + 10 + codecs.length * 18}" stroke="${COLORS.none}" stroke-dasharray="5 4"/><text x="${W - R + 38}" y="${T + 14 + codecs.length * 18}">uncompressed</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
