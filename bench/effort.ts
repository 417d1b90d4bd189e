// What encode effort buys and costs, on LFW View 1 held-out chips (the tuning set, never View 2): per
// (quality, effort, objective weights) the mean file bytes, recognizer distance between original and
// restored chip, L1 and encode ms per chip, next to effort 0 at a few qualities for the trade-off
// that raising the quality alone gives.
//   npx tsx bench/effort.ts [--images 16] [--grid '[[1,0.5,1,1],...]' (identity, rate, quality, effort
//       [, 1 for the squared-error reconstruction term])] [--candidate DIR/NAME (an unregistered model,
//       DIR/compnet-NAME + DIR/recnet-NAME, instead of --model)] [--out bench/results/codec-effort.md]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCodec, MODELS, DEFAULT_MODEL_ID } from '../host/codec/codec.ts';
import { loadEvalRecognizer } from './eval/recognizers.ts';
import { psnr } from './eval/quality.ts';
import { candidateModel } from './eval/codecs.ts';
import { view1Chips, VIEW1_OPTIONS } from './eval/view1.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: MODELS[DEFAULT_MODEL_ID] },
    images: { type: 'string', default: '16' },
    grid: { type: 'string', default: '[[1,0.5,1,0],[1,0.5,5,0],[1,0.5,8,0],[1,0.5,15,0],[1,0.5,1,1],[3,0.5,1,1],[3,0.05,1,1],[1,0.5,15,1]]' },
    ...VIEW1_OPTIONS,
    candidate: { type: 'string' },
    out: { type: 'string' },
  },
});

const rec = await loadEvalRecognizer('dlib'); // one recognizer for alignment bookkeeping and scoring
const chips = await view1Chips(values, Number(values.images), rec);
const targets = await rec.embedBatch(chips);
const modelId = Number(Object.entries(MODELS).find(([, v]) => v === values.model)?.[0]);
const weights = values.candidate ? candidateModel(values.candidate) : { modelId };
const lines = [
  `# Encode effort (model ${values.candidate ?? values.model}; ${chips.length} LFW View 1 held-out chips from ${values.pairs})`,
  '',
  '| identity weight | rate weight | reconstruction | quality | effort | bytes | recognizer distance | L1 (0..1) | PSNR (dB, mean) | encode ms per chip |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const [identity, rate, quality, effort, l2] of JSON.parse(values.grid!) as number[][]) {
  const reconstruction = l2 ? 'l2' : 'l1';
  const codec = await loadCodec({ backend: 'wasm', ...weights, effortWeights: { identity, rate, reconstruction } });
  const t0 = performance.now();
  const pngs: Uint8Array[] = [];
  for (let i = 0; i < chips.length; i += 8) pngs.push(...(await codec.encodeBatch(chips.slice(i, i + 8), { quality, effort })));
  const ms = (performance.now() - t0) / chips.length;
  const restored = await codec.decodeBatch(pngs);
  const embedded = await rec.embedBatch(restored);
  let dist = 0, l1 = 0, bytes = 0, db = 0;
  restored.forEach((img, k) => {
    dist += rec.distance(targets[k], embedded[k]) / chips.length;
    db += psnr(img, chips[k]) / chips.length;
    bytes += pngs[k].length / chips.length;
    for (let i = 0; i < img.data.length; i++) l1 += Math.abs(img.data[i] - chips[k].data[i]) / img.data.length / 255 / chips.length;
  });
  const [i, r, rc] = effort ? [identity, rate, reconstruction] : ['-', '-', '-'];
  lines.push(`| ${i} | ${r} | ${rc} | ${quality} | ${effort} | ${bytes.toFixed(1)} | ${dist.toFixed(4)} | ${l1.toFixed(4)} | ${db.toFixed(2)} | ${ms.toFixed(0)} |`);
  console.log(lines[lines.length - 1]);
  codec.dispose();
}
if (values.out) writeFileSync(values.out, lines.join('\n') + '\n');
