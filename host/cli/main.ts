// facecodec command line. Each command is a function of (args) -> exit code; errors print one line.
import { readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { args, type Options } from './args.ts';
import type { BackendName } from '../backends/index.ts';
import type { Image } from '../image/image.ts';
// Everything heavy (backends, models, image decoders) is imported by the command that needs it, so a
// quick command (info, help) starts fast.

const usage = async () => {
  const { availableBackends } = await import('../backends/index.ts');
  return `facecodec <command> [options]

Commands:
  demo                         the whole path on the bundled sample faces: encode at several qualities, decode,
                               print bytes, bpp, PSNR and the recognizer distance original <-> restored
  encode <image> -o out.png    compress a face chip (150x150), or the largest face of a photo, to a facecodec PNG
                               [-q 1..100, default 50] [--effort 0..3] [--whole: the whole image as is] [--backend]
  decode <file.png> -o chip.png   restore the chip [--backend]
  info <file.png...>           model, quality, size, bytes, bpp of facecodec PNGs [--json]
  compare <a> <b>              recognizer distance and same/different verdict (facecodec PNGs are restored first)
  embed <image...>             print the 128-d descriptor of each face chip (PNG or JPEG)
      --backend ref|wasm|webgpu   (default wasm; available here: ${availableBackends().join(', ')})
      --json                      one {"file", "descriptor"} object per line
      --weights <file>            recognizer model file (default: bundled)
  align <image...> -o <dir>    write a dlib-style 150x150 chip of every face found, largest first (detector +
                               68-point landmarks) [--box x,y,w,h | --central: one face there] [--passes N]
  serve                        serve the demo page (web/) and the browser bundle from the package root
      --port N                    (default 8080; 0 picks a free port)   --host ADDR (default 127.0.0.1)
      --no-isolation              leave out COOP/COEP (the page then runs WebAssembly on one thread)
  batch encode|decode|embed <input> -o <dir>   a whole folder tree, glob or list file: threads, resumable,
                               failures file; --queue redis://HOST:PORT spreads it over workers (see README)
  worker --queue redis://HOST:PORT   take batch jobs from the queue (run one per core, on any number of hosts)
  help                         this text
`;
};

export class UsageError extends Error {}

/** A command: its arguments after the command name -> exit code. */
export type Command = (argv: string[]) => Promise<number>;

/** Commands that only the repository has (bench/cli.ts: benchmarks, training), with their help text. */
export interface ExtraCommands {
  commands: Record<string, Command>;
  usage: string;
}

export async function main(argv: string[], extra?: ExtraCommands): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'embed':
        return await embedCmd(rest);
      case 'demo':
        return await demoCmd(rest);
      case 'encode':
        return await (await import('./codec.ts')).encodeCmd(rest, UsageError);
      case 'decode':
        return await (await import('./codec.ts')).decodeCmd(rest, UsageError);
      case 'info':
        return await (await import('./info.ts')).infoCmd(rest, UsageError);
      case 'compare':
        return await (await import('./codec.ts')).compareCmd(rest, UsageError);
      case 'align':
        return await (await import('./align.ts')).alignCmd(rest, UsageError);
      case 'batch':
        return await (await import('./batch.ts')).batchCmd(rest, UsageError);
      case 'worker':
        return await (await import('./batch.ts')).workerCmd(rest, UsageError);
      case 'serve':
        return await (await import('./serve.ts')).serveCmd(rest, UsageError);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write((await usage()) + (extra?.usage ?? ''));
        return cmd === undefined ? 2 : 0;
      default:
        if (cmd && extra && Object.hasOwn(extra.commands, cmd)) return await extra.commands[cmd](rest);
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
  const { decodeImage } = await import('../image/codecs.ts');
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
  const { loadRecognizer } = await import('../models/recognizer.ts');
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
    qualities: { type: 'string', default: '1,25,50,100' },
  });
  const dir = values.samples as string, outDir = values.out as string;
  const qualities = (values.qualities as string).split(',').map(Number);
  const files = readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
  if (files.length === 0) throw new Error(`${dir}: no face images`);
  const { loadCodec } = await import('../codec/codec.ts');
  const { encodePng } = await import('../image/codecs.ts');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { createBackend } = await import('../backends/index.ts');
  const { distance, loadRecognizer, SAME_PERSON_THRESHOLD } = await import('../models/recognizer.ts');
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
