// facecodec command line. Each command is a function of (args) -> exit code; errors print one line.
import { readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { availableBackends, type BackendName } from '../backends/index.ts';
import { decodeImage } from '../image/codecs.ts';
import { distance, loadRecognizer, SAME_PERSON_THRESHOLD } from '../models/recognizer.ts';
import { alignCmd } from './align.ts';
import { benchLfwCmd } from './bench-lfw.ts';

const USAGE = `facecodec <command> [options]

Commands:
  demo                         embed the bundled sample faces, print pairwise distances and verdicts
  embed <image...>             print the 128-d descriptor of each face chip (PNG or JPEG)
      --backend ref|wasm|webgpu   (default wasm; available here: ${availableBackends().join(', ')})
      --json                      one {"file", "descriptor"} object per line
      --weights <file>            recognizer model file (default: bundled)
  align <image...> -o <dir>    write dlib-style 150x150 face chips (68-point landmarks) [--box x,y,w,h] [--passes N]
  bench lfw                    LFW verification accuracy vs bpp per codec [--data DIR] [--pairs FILE] [--codec NAME]
                               [--settings a,b,c] [--folds 1-10] [--json] [--cache DIR] [--out DIR] (see README)
  bench kernels                conv kernels and the whole recognizer: ours (1 and 2 threads) vs tfjs-wasm
                               and onnxruntime-web, plus this CPU's f32x4 peak (needs the devDependencies)
      --json                      one {"case", "impl", "threads", "ms", "gflops"} object per line
      --case NAME                 only cases whose name contains NAME
      --rounds N                  timed rounds per case (default 15)
      --out PATH                  also write PATH.json and PATH.md
      --competitor-threads N      threads for tfjs-wasm and onnxruntime-web (default 1)
  train codec                  train CompNet + RecNet (resumes from .cache/train; see host/cli/train.ts for options)
  help                         this text
`;

export class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'embed':
        return await embedCmd(rest);
      case 'demo':
        return await demoCmd(rest);
      case 'bench':
        return await benchCmd(rest);
      case 'train':
        return await (await import('./train.ts')).trainCmd(rest);
      case 'align':
        return await alignCmd(rest, UsageError);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`facecodec ${cmd ?? ''}: ${err.message}\n`);
    if (e instanceof UsageError) process.stderr.write(`run "facecodec help" for usage\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

function parse<O extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function readImageFile(file: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return decodeImage(bytes);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

async function embedCmd(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { backend: { type: 'string', default: 'wasm' }, json: { type: 'boolean', default: false }, weights: { type: 'string' } });
  if (positionals.length === 0) throw new UsageError('embed needs at least one image');
  const rec = await loadRecognizer({ backend: values.backend as BackendName, weights: values.weights as string | undefined });
  for (const file of positionals) {
    const d = await rec.embed(await readImageFile(file));
    const numbers = Array.from(d, (v) => +v.toFixed(6));
    process.stdout.write(values.json ? JSON.stringify({ file, descriptor: numbers }) + '\n' : `${file}: ${numbers.join(' ')}\n`);
  }
  return 0;
}

export const SAMPLES_DIR = path.join(import.meta.dirname, '../../samples');

async function demoCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, { backend: { type: 'string', default: 'wasm' }, samples: { type: 'string', default: SAMPLES_DIR } });
  const dir = values.samples as string;
  const files = readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
  if (files.length < 2) throw new Error(`${dir}: need at least two face images`);
  const rec = await loadRecognizer({ backend: values.backend as BackendName });
  console.log(`facecodec demo: ${files.length} sample faces from ${path.relative(process.cwd(), dir) || '.'}, recognizer on the ${rec.backend} backend`);
  const descriptors: Float32Array[] = [];
  const t0 = performance.now();
  for (const f of files) descriptors.push(await rec.embed(await readImageFile(path.join(dir, f))));
  const ms = (performance.now() - t0) / files.length;
  console.log(`embedded ${files.length} chips, ${ms.toFixed(0)} ms per chip\n`);
  console.log(`pairwise euclidean distance (same person when < ${SAME_PERSON_THRESHOLD}):`);
  const person = (f: string) => f.replace(/_\d+\.\w+$/, '');
  let agree = 0, pairs = 0;
  for (let i = 0; i < files.length; i++)
    for (let j = i + 1; j < files.length; j++) {
      const d = distance(descriptors[i], descriptors[j]);
      const same = d < SAME_PERSON_THRESHOLD;
      const truth = person(files[i]) === person(files[j]);
      pairs++;
      if (same === truth) agree++;
      console.log(`  ${files[i].padEnd(26)} ${files[j].padEnd(26)} ${d.toFixed(3)}  ${same ? 'same     ' : 'different'}  ${same === truth ? '' : '(wrong: file names say ' + (truth ? 'same)' : 'different)')}`);
    }
  console.log(`\n${agree}/${pairs} verdicts match the names in the file names`);
  return 0;
}

async function benchCmd(argv: string[]): Promise<number> {
  if (argv[0] === 'lfw') return benchLfwCmd(argv, UsageError);
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean', default: false },
    case: { type: 'string' },
    rounds: { type: 'string', default: '15' },
    out: { type: 'string' },
    'competitor-threads': { type: 'string', default: '1' },
  });
  const [what] = positionals;
  if (what !== 'kernels') throw new UsageError(`bench needs a suite: kernels (got ${JSON.stringify(what)})`);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError('--rounds must be a positive integer');
  // bench/ lives beside host/ in the package and needs the devDependencies (tfjs, onnxruntime-web).
  const { runKernelBench } = await import('../../bench/kernels.ts');
  const competitorThreads = Number(values['competitor-threads']);
  await runKernelBench({ json: values.json as boolean, only: values.case as string | undefined, rounds, out: values.out as string | undefined, competitorThreads });
  process.exit(0); // the competitors' worker threads would keep the process alive
}
