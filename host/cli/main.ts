// facecodec command line. Each command is a function of (args) -> exit code; errors print one line.
import { readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { args, type Options } from './args.ts';
import { availableBackends, createBackend, type BackendName } from '../backends/index.ts';
import type { Image } from '../image/image.ts';
import { decodeImage } from '../image/codecs.ts';
import { distance, loadRecognizer, SAME_PERSON_THRESHOLD } from '../models/recognizer.ts';
import { alignCmd } from './align.ts';
import { benchLfwCmd } from './bench-lfw.ts';

const USAGE = `facecodec <command> [options]

Commands:
  demo                         the whole path on the bundled sample faces: encode at several qualities, decode,
                               print bytes, bpp, PSNR and the recognizer distance original <-> restored
  encode <image> -o out.png    compress a face chip to a facecodec PNG [-q 1..100, default 50] [--backend]
  decode <file.png> -o chip.png   restore the chip [--backend]
  info <file.png...>           model, quality, size, bytes, bpp of facecodec PNGs [--json]
  compare <a> <b>              recognizer distance and same/different verdict (facecodec PNGs are restored first)
  embed <image...>             print the 128-d descriptor of each face chip (PNG or JPEG)
      --backend ref|wasm|webgpu   (default wasm; available here: ${availableBackends().join(', ')})
      --json                      one {"file", "descriptor"} object per line
      --weights <file>            recognizer model file (default: bundled)
  align <image...> -o <dir>    write dlib-style 150x150 face chips (68-point landmarks) [--box x,y,w,h] [--passes N]
  bench lfw                    LFW verification accuracy vs bpp per codec [--data DIR] [--pairs FILE] [--codec NAME]
                               [--settings a,b,c] [--folds 1-10] [--json] [--cache DIR] [--out DIR] (see README)
                               [--recognizer dlib|faceres]  faceres: HSE FaceRes-deep, a second recognizer for
                               evaluation only (results in <out>/lfw-faceres.*; needs the devDependencies)
  bench kernels                conv kernels and the whole recognizer: ours (1 and 2 threads) vs tfjs-wasm
                               and onnxruntime-web, plus this CPU's f32x4 peak (needs the devDependencies)
      --json                      one {"case", "impl", "threads", "ms", "gflops"} object per line
      --case NAME                 only cases whose name contains NAME
      --rounds N                  timed rounds per case (default 15)
      --out PATH                  also write PATH.json and PATH.md
      --competitor-threads N      threads for tfjs-wasm and onnxruntime-web (default 1)
  serve                        serve the demo page (web/) and the browser bundle from the package root
      --port N                    (default 8080; 0 picks a free port)   --host ADDR (default 127.0.0.1)
      --no-isolation              leave out COOP/COEP (the page then runs WebAssembly on one thread)
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
      case 'encode':
        return await (await import('./codec.ts')).encodeCmd(rest, UsageError);
      case 'decode':
        return await (await import('./codec.ts')).decodeCmd(rest, UsageError);
      case 'info':
        return await (await import('./codec.ts')).infoCmd(rest, UsageError);
      case 'compare':
        return await (await import('./codec.ts')).compareCmd(rest, UsageError);
      case 'train':
        return await (await import('./train.ts')).trainCmd(rest);
      case 'align':
        return await alignCmd(rest, UsageError);
      case 'serve':
        return await (await import('./serve.ts')).serveCmd(rest, UsageError);
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

const parse = <O extends Options>(argv: string[], options: O) => args(argv, options, UsageError);

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
  const { values } = parse(argv, {
    backend: { type: 'string', default: 'wasm' },
    samples: { type: 'string', default: SAMPLES_DIR },
    out: { type: 'string', default: 'out/demo' },
    qualities: { type: 'string', default: '5,25,50,90' },
  });
  const dir = values.samples as string, outDir = values.out as string;
  const qualities = (values.qualities as string).split(',').map(Number);
  const files = readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
  if (files.length === 0) throw new Error(`${dir}: no face images`);
  const { loadCodec } = await import('../codec/codec.ts');
  const { encodePng } = await import('../image/codecs.ts');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const backend = await createBackend(values.backend as string);
  const [codec, rec] = await Promise.all([loadCodec({ backend }), loadRecognizer({ backend })]);
  await mkdir(outDir, { recursive: true });
  console.log(`facecodec demo: ${files.length} sample faces, backend ${backend.name}; files written to ${outDir}/\n`);
  console.log(`${'file'.padEnd(26)} ${'q'.padStart(3)} ${'bytes'.padStart(6)} ${'bpp'.padStart(6)} ${'PSNR'.padStart(6)} ${'dist'.padStart(6)}  verdict   enc ms  dec ms`);
  for (const f of files) {
    const image = await readImageFile(path.join(dir, f));
    const original = await rec.embed(image);
    const stem = f.replace(/\.\w+$/, '');
    for (const q of qualities) {
      let t = performance.now();
      const png = await codec.encode(image, { quality: q });
      const encMs = performance.now() - t;
      t = performance.now();
      const restored = await codec.decode(png);
      const decMs = performance.now() - t;
      await writeFile(path.join(outDir, `${stem}.q${q}.png`), png);
      await writeFile(path.join(outDir, `${stem}.q${q}.restored.png`), encodePng(restored));
      const d = distance(original, await rec.embed(restored));
      const bpp = (png.length * 8) / (image.width * image.height);
      console.log(`${f.padEnd(26)} ${String(q).padStart(3)} ${String(png.length).padStart(6)} ${bpp.toFixed(3).padStart(6)} ${psnr(image, restored).toFixed(2).padStart(6)} ${d.toFixed(3).padStart(6)}  ${d < SAME_PERSON_THRESHOLD ? 'same     ' : 'different'} ${encMs.toFixed(0).padStart(6)} ${decMs.toFixed(0).padStart(7)}`);
    }
  }
  console.log(`\ndist: recognizer distance between the original and the restored chip (same person when < ${SAME_PERSON_THRESHOLD})`);
  codec.dispose();
  return 0;
}

/** PSNR (dB) of a restored RGB image against an original of any channel count, over RGB. */
function psnr(a: Image, b: Image): number {
  let se = 0;
  const n = a.width * a.height;
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) se += (a.data[p * a.channels + c] - b.data[p * b.channels + c]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / (n * 3)));
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
