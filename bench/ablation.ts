// The lever-by-lever table of issue 17: each step's bytes per file at each quality and its
// Bjontegaard rate at equal accuracy against the step before it and against JPEG2000, with dlib's
// recognizer (bench/results/lfw.json) and, where measured, the second recognizer (lfw-faceres.json).
//   npx tsx bench/ablation.ts   (writes bench/results/ablation.md)
// A step that changes only the container bytes keeps every decoded pixel (tests pin this), so its
// accuracy is its predecessor's; such a step is derived here from the measured rows by its exact
// byte difference per file, and marked so.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { bdRate } from './eval/metrics.ts';
import { contractOf } from '../host/codec/contract.ts';
import { parseSafetensors } from '../host/format/safetensors.ts';
import { byCodec, formatBd, ratePoints, withEffort1 } from './eval/curves.ts';
import type { Row } from './eval/lfw.ts';

const CHIP_PIXELS = 150 * 150;

interface Step {
  name: string;
  rows: (all: Row[]) => Row[];
  note: string;
  /** The step this one is measured against (default: the one before it). */
  against?: number;
}

/** The effort-1 step on a model: its effort-1 rows where measured, `before`'s (effort 0) elsewhere (eval/curves.ts). */
const effort1Step = (model: string, name: string, before: (all: Row[]) => Row[]): Step => ({
  name,
  rows: (all) => withEffort1(model, all, before(all)),
  note: `measured rows of facecodec-${model}@e1 (\`npm run bench -- lfw --codec facecodec-${model}@e1 --settings Q\`); a quality not run at effort 1 keeps the effort-0 row of the step it builds on`,
});

/** bench/codec-bytes.ts --json over all View 2 chips: mean bytes per file of each writer variant. */
const BYTES_FILE = 'bench/results/codec-bytes-v3-view2.json';
const bytesRows: Array<{ quality: number; depth_choice_fflate: number; shipped: number; images: number }> = existsSync(BYTES_FILE) ? JSON.parse(readFileSync(BYTES_FILE, 'utf8')) : [];

/** Rows of v3 as released with each file's bytes replaced by a writer variant's mean (same pixels, so the same accuracy). */
const withBytes = (all: Row[], key: 'depth_choice_fflate' | 'shipped') =>
  byCodec('facecodec-v3/c1')(all).flatMap((r) => {
    const b = bytesRows.find((x) => x.quality === r.setting);
    return b ? [{ ...r, bpp: (b[key] * 8) / CHIP_PIXELS }] : [];
  });

/** v6 at effort 0 was scored on View 2 as the candidate it was registered from (the same tensors). */
const V6_AT_EFFORT_0 = 'facecodec@weights/candidates/v7r';

/** The top of v7's pooled tier, from its pooled pair's contract. */
const V7_POOLED_UP_TO = contractOf(parseSafetensors(readFileSync('weights/compnet-v7-pooled.safetensors')).metadata).pooled.upTo;

/** Index of v6's effort-0 step in STEPS (what the pooled tier is measured against). */
const STEP_V6_EFFORT_0 = 9;
/** Index of v7's effort-0 step in STEPS (what v8 at effort 0 is measured against). */
const STEP_V7_EFFORT_0 = 11;

/**
 * v8 at effort 0: its measured rows above the pooled tier and, within it, v7's (v8's files there are
 * v7's code under v8's header: the same pixels and bytes). None until every quality v7 has above the
 * tier is measured for v8, so that a partial curve never stands for the model.
 */
function v8Effort0(all: Row[]): Row[] {
  const own = byCodec('facecodec-v8')(all), v7 = byCodec('facecodec-v7')(all);
  if (!v7.filter((r) => r.setting > V7_POOLED_UP_TO).every((r) => own.some((o) => o.setting === r.setting))) return [];
  return [...v7.filter((r) => r.setting <= V7_POOLED_UP_TO && !own.some((o) => o.setting === r.setting)), ...own].sort((x, y) => x.setting - y.setting);
}

const STEPS: Step[] = [
  { name: 'v3 as released (container v1, fflate level 9)', rows: byCodec('facecodec-v3/c1'), note: 'measured (LFW benchmark)' },
  {
    name: '+ container diet (fcHd 24 -> 17 bytes)',
    rows: (all) => withBytes(all, 'depth_choice_fflate'),
    note: `bytes measured on every View 2 chip (${BYTES_FILE}); pixels unchanged, so accuracy as above`,
  },
  {
    name: '+ small-payload deflate (optimal parsing, block split)',
    rows: (all) => {
      const measured = byCodec('facecodec-v3')(all);
      const derived = withBytes(all, 'shipped').filter((r) => !measured.some((m) => m.setting === r.setting));
      return [...measured, ...derived].sort((a, b) => a.setting - b.setting);
    },
    note: `measured rows of facecodec-v3 where the LFW benchmark ran them (dlib: quality 1, accuracy identical to the rows above); the others: bytes from ${BYTES_FILE}, accuracy as above`,
  },
  effort1Step('v3', '+ encode effort 1 (4 Adam steps per chip; decoder unchanged)', (all) => STEPS[2].rows(all)),
  {
    name: '+ model v4 (luma plane alone at the bottom, steps to 180, trained on the rounded code), effort 0',
    rows: byCodec('facecodec-v4/no-cells'),
    note: 'measured rows of facecodec-v4 as first released (its luma-only files without chroma cells; from quality 14 its files are the ones of the next step, byte for byte); compared with v3 at effort 0 (the deflate step), the same encoder effort',
    against: 2,
  },
  {
    name: '+ chroma cells in luma-only files (9 bytes: the colour back at qualities 1-13), effort 0',
    rows: byCodec('facecodec-v4'),
    note: 'measured rows of facecodec-v4 (qualities 1 and 13 scored again with the cells; the others unchanged)',
  },
  effort1Step('v4', '+ encode effort 1 on v4', byCodec('facecodec-v4')),
  {
    name: '+ model v5 (stronger decoder: RecNet grown from 2 to 6 residual blocks, 12x the samples, CelebA reconstruction steps), effort 0',
    rows: byCodec('facecodec-v5'),
    note: 'measured rows of facecodec-v5; compared with v4 at effort 0 (the chroma-cells step), the same encoder effort',
    against: 5,
  },
  effort1Step('v5', '+ encode effort 1 on v5', byCodec('facecodec-v5')),
  {
    name: '+ model v6 (v5 trained on, 68,000 more samples at identity weight 1), effort 0',
    rows: byCodec(V6_AT_EFFORT_0),
    note: `measured rows of ${V6_AT_EFFORT_0} (the candidate v7r, v6's tensors before it was registered); compared with v5 at effort 0`,
    against: 7,
  },
  effort1Step('v6', "+ encode effort 1 on v6 (its own objective: identity 1, rate 0.1, L2)", byCodec(V6_AT_EFFORT_0)),
  {
    name: "+ pooled tier (model v7: qualities 1-13 store the code's 2x2 means, steps 56 to 12, with their own trained pair; 14-100 are v6's), effort 0",
    rows: byCodec('facecodec-v7'),
    note: 'measured rows of facecodec-v7; compared with v6 at effort 0, the same encoder effort',
    against: STEP_V6_EFFORT_0,
  },
  {
    name: '+ encode effort 1 on v7 (the same objective as v6)',
    rows: (all) => withEffort1('v7', all, byCodec('facecodec-v6@e1')(all).filter((r) => r.setting > V7_POOLED_UP_TO)),
    note: `measured rows of facecodec-v7@e1 (\`npm run bench -- lfw --codec facecodec-v7@e1 --settings Q\`); above its pooled tier (qualities ${V7_POOLED_UP_TO + 1}-100) v7's effort-1 files are v6's code under v7's header (bench/repack-header.ts, checked byte for byte), the same bytes and pixels, so where not scored under v7's name those rows are facecodec-v6@e1's`,
  },
  {
    name: "+ main pair leaning to reconstruction (model v8: v7's pooled tier for qualities 1-13, candidate v10r's networks for 14-100), effort 0",
    rows: v8Effort0,
    note: `measured rows of facecodec-v8 above the pooled tier; at qualities 1-${V7_POOLED_UP_TO} v8's files are v7's code under v8's header, so those rows are facecodec-v7's; compared with v7 at effort 0`,
    against: STEP_V7_EFFORT_0,
  },
  {
    name: '+ encode effort 1 on v8 (the same objective as v6 and v7)',
    rows: (all) => withEffort1('v8', all, byCodec('facecodec-v8')(all)),
    note: 'measured rows of facecodec-v8@e1 (`npm run bench -- lfw --codec facecodec-v8@e1 --settings Q`; its files at qualities 1 and 13 are v7\'s under v8\'s header, bench/repack-header.ts); a quality not run at effort 1 keeps facecodec-v8\'s effort-0 row; compared with v7 at effort 1',
    against: STEP_V7_EFFORT_0 + 1,
  },
];

function table(file: string, label: string): string[] {
  if (!existsSync(file)) return [`(${label}: ${file} not measured yet)`, ''];
  const all: Row[] = JSON.parse(readFileSync(file, 'utf8'));
  const curve = (rows: Row[]) => ratePoints(rows, 'accuracy');
  const anchors = ['jpeg2000', 'jpeg', 'webp', 'avif', 'jxl'].filter((a) => all.some((r) => r.codec === a));
  const of = (codec: string) => all.filter((r) => r.codec === codec);
  const out = [
    `### ${label}`,
    '',
    `| step | quality: bytes per file | accuracy (%) at those qualities | BD-rate vs the step it builds on | ${anchors.map((a) => `vs ${a}`).join(' | ')} | PSNR: vs jpeg2000 | rows |`,
    `|---|---|---|---|${anchors.map(() => '---|').join('')}---|---|`,
  ];
  const measured: Row[][] = [];
  for (const [i, s] of STEPS.entries()) {
    const rows = s.rows(all);
    measured.push(rows);
    const prev = i === 0 ? undefined : measured[s.against ?? i - 1];
    if (!rows.length) {
      out.push(`| ${s.name} | - | - | - | ${anchors.map(() => '-').join(' | ')} | - | not measured |`);
      continue;
    }
    const bytes = rows.map((r) => `q${r.setting}: ${((r.bpp * CHIP_PIXELS) / 8).toFixed(0)}`).join(', ');
    const acc = rows.map((r) => (100 * r.accuracy).toFixed(2)).join(' / ');
    const vs = anchors.map((a) => formatBd(bdRate(curve(of(a)), curve(rows))));
    const base = prev?.length ? `${formatBd(bdRate(curve(prev), curve(rows)))}${s.against !== undefined ? ` (vs step ${s.against + 1})` : ''}` : '-';
    out.push(`| ${s.name} | ${bytes} | ${acc} | ${base} | ${vs.join(' | ')} | ${formatBd(bdRate(ratePoints(of('jpeg2000'), 'psnr'), ratePoints(rows, 'psnr')))} | ${s.note} |`);
  }
  return [...out, ''];
}

const md = [
  '# Ablation: one lever at a time (LFW View 2, 6,000 pairs unless the file says otherwise)',
  '',
  'Bjontegaard-style average bitrate difference at equal verification accuracy (negative = fewer bits). Regenerate: `npx tsx bench/ablation.ts`.',
  '',
  ...table('bench/results/lfw.json', "dlib's recognizer (the one in the training loss)"),
  ...table('bench/results/lfw-faceres.json', 'HSE FaceRes-deep (evaluation only, never in a loss or a choice)'),
];
writeFileSync('bench/results/ablation.md', md.join('\n'));
console.log(md.join('\n'));
