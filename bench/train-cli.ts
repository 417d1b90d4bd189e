// npm run train -- codec (dev tool, bench/cli.ts): trains CompNet + RecNet (reconstruction), resuming from its checkpoint.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CELEBA_SHARE, trainCodec, type TrainOptions } from '../host/train/train-codec.ts';
import { RECONSTRUCTIONS, type Reconstruction } from '../host/train/reconstruction.ts';
import { CODE_LAYOUTS, type CodeLayout } from '../host/codec/layout.ts';
import { DELTA_RANGE, RECNET_BLOCKS } from '../host/models/codec-graph.ts';
import { availableBackends, type BackendName } from '../host/backends/index.ts';

const SHARED = path.join(import.meta.dirname, '../../shared/data');

/** --backend: a backend this build has (ref, wasm and webgpu all run the backward ops). */
function backendName(v: string): BackendName {
  if (!availableBackends().includes(v as BackendName)) throw new Error(`--backend must be one of ${availableBackends().join(', ')}`);
  return v as BackendName;
}

const TRAIN_OPTIONS = {
  lfw: { type: 'string', default: path.join(SHARED, 'lfw-deepfunneled') },
  pairs: { type: 'string', default: path.join(SHARED, 'lfw-pairs') },
  celeba: { type: 'string', default: path.join(SHARED, 'celeba-10k') },
  cache: { type: 'string', default: path.join(import.meta.dirname, '../.cache/train') },
  weights: { type: 'string', default: path.join(import.meta.dirname, '../weights') },
  name: { type: 'string', default: 'v1' },
  steps: { type: 'string', default: '3000' },
  batch: { type: 'string', default: '8' },
  patch: { type: 'string', default: '96' },
  lr: { type: 'string', default: '1e-3' },
  'max-minutes': { type: 'string', default: '100000' },
  threads: { type: 'string', default: '2' },
  backend: { type: 'string', default: 'wasm' },
  'freeze-now': { type: 'boolean', default: false },
  'recognizer-weight': { type: 'string', default: '0' },
  'rate-weight': { type: 'string', default: '0' },
  reconstruction: { type: 'string', default: 'l1' },
  layout: { type: 'string', default: 'rgb' },
  'init-from': { type: 'string' },
  quantise: { type: 'string', default: 'noise' },
  'freeze-recnet': { type: 'boolean', default: false },
  'delta-max': { type: 'string', default: String(DELTA_RANGE[0]) },
  'luma-only-above': { type: 'string' },
  'pooled-up-to': { type: 'string' },
  'pooled-steps': { type: 'string', default: '40,6' },
  'pooled-share': { type: 'string', default: '0.5' },
  'recnet-blocks': { type: 'string', default: String(RECNET_BLOCKS) },
  'compnet-blocks': { type: 'string', default: '0' },
  'compnet-rate': { type: 'boolean', default: false },
  'celeba-share': { type: 'string', default: String(DEFAULT_CELEBA_SHARE) },
} as const;

/** The pooled tier's options (--pooled-up-to Q turns it on): qualities 1..Q, steps "a,b" (quality 1's, quality Q's), the share of steps. */
function pooledTier(upTo: string | undefined, steps: string, share: string): TrainOptions['pooled'] {
  if (upTo === undefined) return undefined;
  const q = Number(upTo), s = steps.split(',').map(Number), p = Number(share);
  if (!Number.isInteger(q) || q < 1 || q > 99) throw new Error('--pooled-up-to must be a quality 1..99');
  if (s.length !== 2 || !s.every((v) => v >= 0.5 && v <= 255)) throw new Error('--pooled-steps must be two steps "a,b" in [0.5, 255]');
  if (!(p > 0 && p <= 1)) throw new Error('--pooled-share must be in (0, 1]');
  return { upTo: q, steps: [s[0], s[1]], share: p };
}

export async function trainCmd(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: TRAIN_OPTIONS,
  });
  if (positionals[0] !== 'codec') throw new Error('usage: npm run train -- codec [options]');
  const num = (k: keyof typeof values) => {
    const v = Number(values[k]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`);
    return v;
  };
  const weight = (k: 'recognizer-weight' | 'rate-weight') => {
    const v = Number(values[k]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${k} must be a number >= 0`);
    return v;
  };
  const layout = values.layout as CodeLayout;
  if (!CODE_LAYOUTS.includes(layout)) throw new Error(`--layout must be one of ${CODE_LAYOUTS.join(', ')}`);
  const patch = num('patch');
  if (patch % 4) throw new Error('--patch must be a multiple of 4');
  if (num('delta-max') > 255 || num('delta-max') <= DELTA_RANGE[1]) throw new Error(`--delta-max must be in (${DELTA_RANGE[1]}, 255]`);
  if (values['luma-only-above'] !== undefined && layout !== 'g420') throw new Error('--luma-only-above needs --layout g420');
  const pooled = pooledTier(values['pooled-up-to'], values['pooled-steps'] as string, values['pooled-share'] as string);
  if (pooled && layout !== 'g420') throw new Error('--pooled-up-to needs --layout g420');
  const reconstruction = values.reconstruction as Reconstruction;
  if (!RECONSTRUCTIONS.includes(reconstruction)) throw new Error(`--reconstruction must be one of ${RECONSTRUCTIONS.join(', ')}`);
  const pairs = values.pairs as string;
  const quantise = values.quantise as 'noise' | 'round';
  if (quantise !== 'noise' && quantise !== 'round') throw new Error('--quantise must be noise or round');
  if (values['freeze-recnet'] && !values['init-from']) throw new Error('--freeze-recnet needs --init-from (the RecNet to keep)');
  const share = Number(values['celeba-share']);
  if (!(share >= 0 && share < 1)) throw new Error('--celeba-share must be in [0, 1)');
  const r = await trainCodec({
    data: {
      lfw: values.lfw as string,
      lists: [path.join(pairs, 'train-identity-disjoint.txt'), path.join(pairs, 'train-unreferenced.txt')],
      testReferenced: path.join(pairs, 'test-referenced.txt'),
      celeba: values.celeba as string,
      cacheDir: values.cache as string,
    },
    steps: num('steps'),
    batch: num('batch'),
    patch,
    celebaShare: share,
    recnetBlocks: num('recnet-blocks'),
    compnet: { blocks: Number(values['compnet-blocks']), conditioned: values['compnet-rate'] as boolean },
    lr: num('lr'),
    delta: [DELTA_RANGE[1], num('delta-max')],
    lumaOnlyAbove: values['luma-only-above'] === undefined ? undefined : num('luma-only-above'),
    pooled,
    checkpointEvery: 50,
    maxSeconds: num('max-minutes') * 60,
    name: values.name as string,
    weightsDir: values.weights as string,
    seed: 1234,
    threads: num('threads'),
    backend: backendName(values.backend as string),
    freezeNow: values['freeze-now'] as boolean,
    recognizerWeight: weight('recognizer-weight'),
    rateWeight: weight('rate-weight'),
    reconstruction,
    layout,
    quantise,
    freezeRecnet: values['freeze-recnet'] as boolean,
    init: values['init-from']
      ? { compnet: path.join(values.weights as string, `compnet-${values['init-from']}.safetensors`), recnet: path.join(values.weights as string, `recnet-${values['init-from']}.safetensors`) }
      : undefined,
    log: (l) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${l}`),
  });
  console.log(r.done ? `training finished at step ${r.step}` : `stopped at step ${r.step}; run the same command again to resume`);
  return 0;
}
