// The repository's command line: every command of the installed `facecodec` CLI (host/cli/main.ts, run
// from the sources) plus the dev commands the package does not ship, which need the devDependencies
// (tfjs, onnxruntime-web, the JPEG2000/JXL/AVIF codecs) and the datasets in ../shared/data:
//   npm run bench -- lfw [...]      (= tsx bench/cli.ts bench lfw [...])
//   npm run bench -- kernels [...]
//   npm run train -- codec [...]
// Dataset defaults live here and in the commands below, never in host/.
import { args } from '../host/cli/args.ts';
import { main, UsageError, type ExtraCommands } from '../host/cli/main.ts';

const USAGE = `
Dev commands (this repository only: npx tsx bench/cli.ts ..., npm run bench -- ..., npm run train -- ...):
  bench lfw                    LFW verification accuracy vs bpp per codec [--data DIR] [--pairs FILE] [--codec NAME]
                               [--settings a,b,c] [--folds 1-10] [--json] [--cache DIR] [--out DIR] (see README;
                               defaults: ../shared/data/lfw-deepfunneled, ../shared/data/lfw-pairs/pairs.txt)
  bench kernels                conv kernels and the whole recognizer: ours (1 and 2 threads) vs tfjs-wasm
                               and onnxruntime-web, plus this CPU's f32x4 peak
      --json                      one {"case", "impl", "threads", "ms", "gflops"} object per line
      --case NAME                 only cases whose name contains NAME
      --rounds N                  timed rounds per case (default 15)
      --out PATH                  also write PATH.json and PATH.md
      --competitor-threads N      threads for tfjs-wasm and onnxruntime-web (default 1)
  train codec                  train CompNet + RecNet (resumes from .cache/train; see bench/train-cli.ts for options;
                               data defaults: ../shared/data/lfw-deepfunneled, lfw-pairs, celeba-10k)
`;

async function benchCmd(argv: string[]): Promise<number> {
  if (argv[0] === 'lfw') return (await import('./lfw-cli.ts')).benchLfwCmd(argv, UsageError);
  const { values, positionals } = args(
    argv,
    {
      json: { type: 'boolean', default: false },
      case: { type: 'string' },
      rounds: { type: 'string', default: '15' },
      out: { type: 'string' },
      'competitor-threads': { type: 'string', default: '1' },
    },
    UsageError,
  );
  const [what] = positionals;
  if (what !== 'kernels') throw new UsageError(`bench needs a suite: lfw or kernels (got ${JSON.stringify(what)})`);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError('--rounds must be a positive integer');
  const { runKernelBench } = await import('./kernels.ts');
  const competitorThreads = Number(values['competitor-threads']);
  await runKernelBench({ json: values.json as boolean, only: values.case as string | undefined, rounds, out: values.out as string | undefined, competitorThreads });
  process.exit(0); // the competitors' worker threads would keep the process alive
}

export const DEV_COMMANDS: ExtraCommands = {
  usage: USAGE,
  commands: {
    bench: benchCmd,
    train: async (argv) => (await import('./train-cli.ts')).trainCmd(argv),
  },
};

process.exitCode = await main(process.argv.slice(2), DEV_COMMANDS);
