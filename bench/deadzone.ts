// What the encoder's dead zone buys (EncodeOptions.deadZone, layout.ts quantiseRows): a stored sample
// may move up to the dead zone (in steps) from the code's value to equal PNG's Paeth prediction, so
// that deflate sees a zero there. For each dead zone: mean file bytes, mean PSNR and mean recognizer
// distance (dlib's, original vs restored) per quality, and the Bjontegaard rate against plain rounding
// (dead zone 0.5) at equal PSNR and at equal distance. On LFW View 1 held-out chips (the tuning set,
// never View 2); the decoder is unchanged. Evaluation of an encoder setting only.
//   npx tsx bench/deadzone.ts [--model v6] [--qualities 13,21,36,54,90] [--zones 0.5,0.6,0.7,0.8]
//       [--images 100] [--effort 0] [--out bench/results/deadzone.md]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCodec, MODEL_REGISTRY } from '../host/codec/codec.ts';
import { bdRate } from './eval/metrics.ts';
import { psnr } from './eval/quality.ts';
import { loadEvalRecognizer } from './eval/recognizers.ts';
import { view1Chips, VIEW1_OPTIONS } from './eval/view1.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'v6' },
    qualities: { type: 'string', default: '13,21,36,54,90' },
    zones: { type: 'string', default: '0.5,0.6,0.7,0.8' },
    images: { type: 'string', default: '100' },
    effort: { type: 'string', default: '0' },
    out: { type: 'string' },
    ...VIEW1_OPTIONS,
  },
});
const model = MODEL_REGISTRY.find((m) => m.name === values.model);
if (!model) throw new Error(`--model ${values.model} is not registered`);
const qualities = values.qualities.split(',').map(Number), zones = values.zones.split(',').map(Number), effort = Number(values.effort);
if (zones[0] !== 0.5) throw new Error('--zones starts with 0.5, plain rounding: the anchor of the Bjontegaard rates');

const recognizer = await loadEvalRecognizer('dlib');
const chips = await view1Chips(values, Number(values.images), recognizer);
const originals = await recognizer.embedBatch(chips);
const codec = await loadCodec({ modelId: model.id, backend: 'wasm' });
const pixels = chips[0].width * chips[0].height;

interface Row { zone: number; quality: number; bytes: number; psnr: number; distance: number }
const rows: Row[] = [];
const BATCH = 16;
for (const zone of zones)
  for (const quality of qualities) {
    let bytes = 0, db = 0, dist = 0;
    for (let i = 0; i < chips.length; i += BATCH) {
      const part = chips.slice(i, i + BATCH);
      const files = await codec.encodeBatch(part, { quality, effort, deadZone: zone });
      const decoded = await codec.decodeBatch(files);
      const emb = await recognizer.embedBatch(decoded);
      part.forEach((c, k) => {
        bytes += files[k].length;
        db += psnr(c, decoded[k]);
        dist += recognizer.distance(originals[i + k], emb[k]);
      });
    }
    const row = { zone, quality, bytes: bytes / chips.length, psnr: db / chips.length, distance: dist / chips.length };
    rows.push(row);
    console.log(`zone ${zone} q${quality}: ${row.bytes.toFixed(1)} bytes, ${row.psnr.toFixed(2)} dB, distance ${row.distance.toFixed(4)}`);
  }

const curve = (zone: number, y: (r: Row) => number) => rows.filter((r) => r.zone === zone).map((r) => ({ bpp: (r.bytes * 8) / pixels, quality: y(r) }));
const pct = (v: number | null) => (v === null ? '-' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
const table = rows.map((r) => `| ${r.zone} | ${r.quality} | ${r.bytes.toFixed(1)} | ${r.psnr.toFixed(2)} | ${r.distance.toFixed(4)} |`);
const bd = zones.slice(1).map((z) => `| ${z} | ${pct(bdRate(curve(0.5, (r) => r.psnr), curve(z, (r) => r.psnr)))} | ${pct(bdRate(curve(0.5, (r) => -r.distance), curve(z, (r) => -r.distance)))} |`);
const md = `# The encoder's dead zone (model ${model.name}, effort ${effort})

${chips.length} LFW View 1 held-out chips, wasm backend; \`npx tsx bench/deadzone.ts --model ${model.name} --qualities ${values.qualities} --zones ${values.zones} --images ${values.images} --effort ${effort}\` (${new Date().toISOString().slice(0, 10)}).
Means per chip; distance: dlib's descriptor distance, original vs restored.

| dead zone | quality | bytes | PSNR dB | distance |
|---|---|---|---|---|
${table.join('\n')}

Bjontegaard rate against plain rounding (dead zone 0.5) over the qualities above:

| dead zone | at equal PSNR | at equal distance |
|---|---|---|
${bd.join('\n')}
`;
console.log(md);
if (values.out) writeFileSync(values.out, md);
codec.dispose();
