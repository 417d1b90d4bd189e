// npm run golden:update: recomputes test/fixtures/codec-golden.json on the golden backend (wasm,
// plain SIMD) for every registered model, prints every entry that changed (file bytes, PSNR of the
// restored chip, recognizer distance to the original; old -> new) and a per-model summary, then
// rewrites the fixture. Review the printout before committing the new fixture.
import { existsSync, writeFileSync } from 'node:fs';
import { loadRecognizer, distance } from '../../host/models/recognizer.ts';
import { psnr } from '../../bench/eval/quality.ts';
import { codecFor, computeModel, goldenBackend, readGolden, registry, samples, FIXTURE, type Golden, type GoldenEntry } from './codec-golden.ts';

const DEFAULT_TOLERANCES: Golden['tolerances'] = { wasmRelaxed: { maxAbs: 1, bytes: 16 }, ref: { maxAbs: 1, bytes: 16 }, webgpu: { maxAbs: 1, bytes: 16 } };

const old = existsSync(FIXTURE) ? readGolden() : undefined;
const oldBy = new Map((old?.entries ?? []).map((e) => [`${e.model} q${e.quality} ${e.sample}`, e]));
const chips = samples();
const backend = await goldenBackend();
const recognizer = await loadRecognizer({ backend });
const originals = await recognizer.embedBatch(chips.map((c) => c.image));
const entries: GoldenEntry[] = [];
const f = (v: number | undefined, d: number) => (v === undefined ? '-' : v.toFixed(d));
let changed = 0;
for (const { id, name } of registry()) {
  const codec = await codecFor(backend, id);
  const got = await computeModel(codec, name, chips);
  const embeds = await recognizer.embedBatch(got.map((g) => ({ data: g.decoded, width: 150, height: 150, channels: 3 })));
  got.forEach((g, k) => {
    const i = chips.findIndex((c) => c.name === g.sample);
    const e: GoldenEntry = { model: g.model, quality: g.quality, sample: g.sample, bytes: g.bytes, sha256: g.sha256, decodedSha256: g.decodedSha256, psnr: +psnr(chips[i].image, { data: g.decoded, width: 150, height: 150, channels: 3 }).toFixed(3), distance: +distance(originals[i], embeds[k]).toFixed(4) };
    entries.push(e);
    const o = oldBy.get(`${e.model} q${e.quality} ${e.sample}`);
    if (o && o.sha256 === e.sha256 && o.decodedSha256 === e.decodedSha256) return;
    changed++;
    console.log(`${o ? 'changed' : 'new    '} ${e.model} q${e.quality} ${e.sample}: bytes ${o?.bytes ?? '-'} -> ${e.bytes}, PSNR ${f(o?.psnr, 2)} -> ${f(e.psnr, 2)}, distance ${f(o?.distance, 4)} -> ${f(e.distance, 4)}${o && o.sha256 === e.sha256 ? ' (same file, decode differs)' : ''}`);
  });
  const mine = entries.filter((e) => e.model === name);
  const mean = (k: 'bytes' | 'psnr' | 'distance') => mine.reduce((a, e) => a + (e[k] ?? 0), 0) / mine.length;
  console.log(`${name}: mean bytes ${mean('bytes').toFixed(1)}, PSNR ${mean('psnr').toFixed(2)} dB, distance ${mean('distance').toFixed(4)} over ${mine.length} entries`);
  codec.dispose();
}
const gone = [...oldBy.keys()].filter((k) => !entries.some((e) => `${e.model} q${e.quality} ${e.sample}` === k));
for (const k of gone) console.log(`removed ${k}`);
const golden: Golden = {
  note: 'Golden files of the shipped codec; regenerate with npm run golden:update (see test/golden/codec-golden.ts).',
  tolerances: old?.tolerances ?? DEFAULT_TOLERANCES,
  entries,
};
writeFileSync(FIXTURE, JSON.stringify(golden, null, 1) + '\n');
console.log(`${changed} of ${entries.length} entries changed, ${gone.length} removed; wrote ${FIXTURE.pathname}`);
recognizer.dispose?.();
backend.dispose();
