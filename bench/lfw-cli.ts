// npm run bench -- lfw (dev tool, bench/cli.ts): verification accuracy against bits per pixel for image codecs on LFW-style data.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { args } from '../host/cli/args.ts';
import type { BackendName } from '../host/backends/index.ts';
import { loadLandmarks } from '../host/models/landmarks.ts';
import { loadEvalRecognizer, RECOGNIZER_IDS } from './eval/recognizers.ts';
import { CODECS, getCodec } from './eval/codecs.ts';
import { LfwBench, type Progress, type Row } from './eval/lfw.ts';
import { pairImages, parsePairs, type Pair } from './eval/pairs.ts';
import { markdown, mergeRows, svgPlot } from './eval/report.ts';
import { parseBox } from '../host/cli/align.ts';
import { loadDetector } from '../host/models/detector.ts';
import { detectionSummary, writeDetectorReport } from './eval/lfw-detect.ts';

export const LFW_DEFAULTS = { data: '../shared/data/lfw-deepfunneled', pairs: '../shared/data/lfw-pairs/pairs.txt', cache: '.cache/lfw' };

/** "1-10", "3", "1,4-6" -> 0-based fold numbers. */
export function parseFolds(s: string, count: number): number[] {
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--folds: bad range "${part}"`);
    const a = Number(m[1]), b = Number(m[2] ?? m[1]);
    if (a < 1 || b > count || a > b) throw new Error(`--folds: ${part} is outside 1-${count}`);
    for (let f = a; f <= b; f++) out.add(f - 1);
  }
  return [...out].sort((x, y) => x - y);
}

/** Progress: a cli-progress bar (rate and ETA) on a TTY, otherwise a log line every ~30 s. */
async function makeProgress(quiet: boolean): Promise<Progress> {
  if (quiet) return { start() {}, update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const { SingleBar, Presets } = await import('cli-progress');
    const bar = new SingleBar({ format: '{label} [{bar}] {value}/{total} images | {rate} img/s | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 200, hideCursor: true }, Presets.shades_classic);
    let t0 = 0, d0 = 0;
    return {
      start(label, total, done) {
        t0 = performance.now();
        d0 = done;
        bar.start(total, done, { label: label.padEnd(16), rate: '-' });
      },
      update(done) {
        bar.update(done, { rate: ((done - d0) / ((performance.now() - t0) / 1000)).toFixed(1) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let t0 = 0, d0 = 0, last = 0, total = 0, label = '';
  const line = (done: number) => {
    const s = (performance.now() - t0) / 1000, rate = (done - d0) / s;
    process.stderr.write(`${new Date().toISOString()} ${label}: ${done}/${total} images, ${rate.toFixed(1)} img/s, ETA ${rate > 0 ? Math.round((total - done) / rate) : '?'} s\n`);
  };
  return {
    start(l, t, done) {
      [label, total, d0, t0, last] = [l, t, done, performance.now(), performance.now()];
      process.stderr.write(`${new Date().toISOString()} ${label}: ${done}/${total} cached\n`);
    },
    update(done) {
      if (performance.now() - last > 30000) {
        last = performance.now();
        line(done);
      }
    },
    stop() {},
  };
}

function writeAtomic(file: string, text: string) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes <base>.json/.md and the plots; base is lfw for dlib, lfw-<recognizer> for another recognizer. */
export function writeResults(dir: string, fresh: Row[], base = 'lfw'): Row[] {
  mkdirSync(dir, { recursive: true });
  const jsonFile = path.join(dir, `${base}.json`);
  const old: Row[] = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : [];
  const rows = mergeRows(old, fresh);
  writeAtomic(jsonFile, JSON.stringify(rows, null, 1) + '\n');
  // Another recognizer's file says which one scored it and on how many pairs (e.g. folds 1-5 only).
  const who = base === 'lfw-faceres' ? 'HSE FaceRes-deep (cosine distance; evaluation only)' : base.slice(4);
  const sizes = [...new Set(rows.map((r) => `${r.pairs} pairs (${r.images} images)`))].join(', rows on different sets: ');
  const scoredBy = base === 'lfw' ? '' : `Scored by ${who} on ${sizes}.\n\n`;
  writeAtomic(path.join(dir, `${base}.md`), scoredBy + markdown(rows));
  const pairs = rows[0] ? `${rows[0].pairs.toLocaleString('en-US')} pairs` : '';
  const by = base === 'lfw' ? '' : ` (${base.slice(4)} recognizer)`;
  writeAtomic(path.join(dir, `${base}-accuracy.svg`), svgPlot(rows, (r) => 100 * r.accuracy, `LFW verification accuracy (%)${by}`, `LFW View 2 (${pairs}): accuracy vs bits per pixel${by}`));
  // PSNR does not depend on the recognizer: one plot, written with dlib's results.
  if (base === 'lfw') writeAtomic(path.join(dir, 'lfw-psnr.svg'), svgPlot(rows, (r) => r.psnr, 'PSNR (dB) vs uncompressed chip', 'LFW chips: PSNR vs bits per pixel'));
  return rows;
}

/** --box, --passes and --detector: how the benchmark aligns (usage errors for bad or conflicting values). */
function alignOptions(values: { box?: string; passes?: string; detector?: string }, UsageError: new (m: string) => Error) {
  const passes = Number(values.passes ?? '1');
  if (!Number.isInteger(passes) || passes < 1) throw new UsageError('--passes must be a positive integer');
  let box;
  try {
    box = values.box ? parseBox(values.box) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const detectorSize = values.detector === undefined ? undefined : Number(values.detector);
  if (detectorSize !== undefined && (!Number.isInteger(detectorSize) || detectorSize < 16 || detectorSize % 16 !== 0)) throw new UsageError('--detector needs the input size, a multiple of 16 (128: as BlazeFace was trained)');
  if (detectorSize !== undefined && (box || passes !== 1)) throw new UsageError('--detector takes no --box or --passes');
  return { box, passes, detectorSize };
}

/** The pairs of the folds asked for (--folds; default: every fold of the file). */
function selectPairs(file: string, foldsArg: string | undefined, UsageError: new (m: string) => Error): Pair[] {
  let pairsText: string;
  try {
    pairsText = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const { pairs: all, folds: foldCount } = parsePairs(pairsText);
  let folds: number[];
  try {
    folds = foldsArg ? parseFolds(foldsArg, Math.max(foldCount, 10)) : [...new Set(all.map((p) => p.fold))];
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const pairs = all.filter((p) => folds.includes(p.fold));
  if (new Set(pairs.map((p) => p.fold)).size < 2) throw new UsageError('the fold protocol needs at least 2 folds');
  return pairs;
}

const LFW_OPTIONS = {
  data: { type: 'string', default: LFW_DEFAULTS.data },
  pairs: { type: 'string', default: LFW_DEFAULTS.pairs },
  codec: { type: 'string', multiple: true },
  settings: { type: 'string' },
  folds: { type: 'string' },
  json: { type: 'boolean', default: false },
  cache: { type: 'string', default: LFW_DEFAULTS.cache },
  out: { type: 'string' },
  box: { type: 'string' },
  passes: { type: 'string', default: '1' },
  detector: { type: 'string' },
  backend: { type: 'string', default: 'wasm' },
  recognizer: { type: 'string', default: 'dlib' },
  quiet: { type: 'boolean', default: false },
} as const;

export async function benchLfwCmd(argv: string[], UsageError: new (m: string) => Error = Error): Promise<number> {
  const { values, positionals } = args(
    argv,
    LFW_OPTIONS,
    UsageError,
  );
  if (positionals[0] !== 'lfw' || positionals.length > 1) throw new UsageError('usage: bench lfw [--data DIR] [--pairs FILE] [--codec NAME]...');
  const codecIds = (values.codec ?? ['none']).flatMap((c) => c.split(','));
  if (codecIds.includes('all')) codecIds.splice(0, codecIds.length, ...Object.keys(CODECS));
  let codecs;
  try {
    codecs = codecIds.map(getCodec);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let settings: number[] | undefined;
  if (values.settings !== undefined) {
    if (codecs.length !== 1) throw new UsageError('--settings needs exactly one --codec');
    settings = values.settings.split(',').map(Number);
    if (settings.some((s) => !Number.isFinite(s))) throw new UsageError(`--settings: numbers expected, got "${values.settings}"`);
  }
  // faceres (HSE FaceRes-deep) is a second, independent recognizer for evaluation only (never for training or tuning).
  const recognizerId = values.recognizer as string;
  if (!(RECOGNIZER_IDS as readonly string[]).includes(recognizerId)) throw new UsageError(`--recognizer: one of ${RECOGNIZER_IDS.join(', ')}, got "${recognizerId}"`);
  const { box, passes, detectorSize } = alignOptions(values, UsageError);
  const pairs = selectPairs(values.pairs!, values.folds, UsageError);
  if (!existsSync(values.data!)) throw new Error(`${values.data}: no such directory`);
  const images = pairImages(pairs);
  const log = (s: string) => values.json || process.stderr.write(s + '\n');
  log(`bench lfw (recognizer ${recognizerId}): ${pairs.length} pairs in ${new Set(pairs.map((p) => p.fold)).size} folds, ${images.length} images from ${values.data}; cache ${values.cache}`);
  const progress = await makeProgress(values.quiet as boolean);
  const backend = values.backend as BackendName;
  const recognizer = await loadEvalRecognizer(recognizerId, { backend });
  const detector = detectorSize ? { model: await loadDetector({ backend }), inputSize: detectorSize } : undefined;
  const bench = new LfwBench(values.data!, values.cache!, await loadLandmarks({ backend }), recognizer, { box, passes, detector }, progress);
  const t0 = performance.now();
  await bench.prepareChips(images);
  const outcomes = detector ? detectionSummary(images, (f) => bench.outcome(f)!) : undefined;
  if (outcomes) log(outcomes.text);
  const rows: Row[] = [];
  for (const codec of codecs) {
    for (const s of settings ?? codec.defaults) {
      const t1 = performance.now();
      const row = await bench.runSetting(codec, s, images, pairs);
      rows.push(row);
      if (values.json) process.stdout.write(JSON.stringify(row) + '\n');
      else
        process.stdout.write(
          `${codec.id.padEnd(9)} ${String(s).padStart(4)}  ${row.bpp.toFixed(3)} bpp  acc ${(100 * row.accuracy).toFixed(2)}% +- ${(100 * row.std).toFixed(2)}  AUC ${row.auc.toFixed(4)}  TAR@1e-2 ${row.tar_far1e2.toFixed(4)}` +
            `${row.psnr === null ? '' : `  PSNR ${row.psnr.toFixed(2)}  SSIM ${row.ssim!.toFixed(4)}`}  (${((performance.now() - t1) / 1000).toFixed(0)} s)\n`,
        );
      if (values.out && outcomes) writeDetectorReport(values.out, row, outcomes, argv);
      else if (values.out) writeResults(values.out, [row], recognizerId === 'dlib' ? 'lfw' : `lfw-${recognizerId}`);
    }
  }
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return 0;
}
