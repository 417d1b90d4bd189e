// Chooses a pooled tier's steps (host/codec/contract.ts PooledTier) on LFW View 1 tuning chips (never
// View 2): for a pair trained with the tier, each step alone (the pair's contract rewritten in memory to
// a one-quality tier at that step, weights/pooled-tier.ts), and for comparison a registered model at
// some qualities: bits per pixel (whole files), PSNR (over all chips' pixels), dlib's mean distance
// between original and restored chip, at effort 0.
//   npx tsx bench/pooled-sweep.ts --pair DIR/NAME --steps 64,56,48 [--pair-qualities 21,90 (the pair's own
//       contract at those qualities)] [--model v6 --qualities 1,13,14] [--images 100] [--out bench/results/pooled-sweep.md]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCodec, MODELS, type CodecOptions } from '../host/codec/codec.ts';
import type { Image } from '../host/image/image.ts';
import { withPooledTier } from '../weights/pooled-tier.ts';
import { loadEvalRecognizer, type EvalRecognizer } from './eval/recognizers.ts';
import { view1Chips, VIEW1_OPTIONS } from './eval/view1.ts';

const { values } = parseArgs({
  options: { pair: { type: 'string' }, steps: { type: 'string', default: '' }, 'pair-qualities': { type: 'string', default: '' }, model: { type: 'string' }, qualities: { type: 'string', default: '' }, images: { type: 'string', default: '100' }, out: { type: 'string' }, ...VIEW1_OPTIONS },
});

async function measure(opts: CodecOptions, quality: number, chips: Image[], rec: EvalRecognizer, targets: Float32Array[]): Promise<string> {
  const codec = await loadCodec({ backend: 'wasm', ...opts });
  let bytes = 0, se = 0, dist = 0, pixels = 0;
  const restored: Image[] = [];
  for (const chip of chips) {
    const file = await codec.encode(chip, { quality });
    const out = await codec.decode(file);
    bytes += file.length;
    pixels += chip.width * chip.height;
    for (let i = 0; i < out.data.length; i++) se += (out.data[i] - chip.data[i]) ** 2;
    restored.push(out);
  }
  (await rec.embedBatch(restored)).forEach((e, k) => (dist += rec.distance(targets[k], e) / chips.length));
  codec.dispose();
  return `${((8 * bytes) / pixels).toFixed(4)} | ${(10 * Math.log10((255 * 255 * 3 * pixels) / se)).toFixed(2)} | ${dist.toFixed(4)}`;
}

const rec = await loadEvalRecognizer('dlib');
const chips = await view1Chips(values, Number(values.images), rec);
const targets = await rec.embedBatch(chips);
const lines = [`# Pooled tier steps (${chips.length} LFW View 1 tuning chips from ${values.pairs}, effort 0)`, '', '| model | point | bpp | PSNR (dB) | dlib distance |', '|---|---|---|---|---|'];
const log = (l: string) => (lines.push(l), console.log(l));
if (values.pair) {
  const file = (kind: string) => readFileSync(path.join(path.dirname(values.pair!), `${kind}-${path.basename(values.pair!)}.safetensors`));
  for (const s of values.steps!.split(',').filter(Boolean).map(Number)) {
    const tier = { upTo: 1, steps: [s, s] as [number, number] };
    log(`| ${path.basename(values.pair)} | pooled, step ${s} | ${await measure({ modelId: 0, compnet: withPooledTier(file('compnet'), tier), recnet: withPooledTier(file('recnet'), tier) }, 1, chips, rec, targets)} |`);
  }
  for (const q of values['pair-qualities']!.split(',').filter(Boolean).map(Number))
    log(`| ${path.basename(values.pair)} | quality ${q} | ${await measure({ modelId: 0, compnet: file('compnet'), recnet: file('recnet') }, q, chips, rec, targets)} |`);
}
if (values.model) {
  const modelId = Number(Object.entries(MODELS).find(([, n]) => n === values.model)?.[0]);
  if (!modelId) throw new Error(`unknown model ${values.model}`);
  for (const q of values.qualities!.split(',').filter(Boolean).map(Number)) log(`| ${values.model} | quality ${q} | ${await measure({ modelId }, q, chips, rec, targets)} |`);
}
if (values.out) writeFileSync(values.out, lines.join('\n') + '\n');
