// Recognizer cost on a backend: model file size, planned peak activation bytes, median ms per embedding.
// Run: npx tsx bench/recognizer.ts [--backend ref] [--batch 1] [--runs 5]
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { createBackend } from '../host/backends/index.ts';
import { Executor } from '../host/executor/executor.ts';
import { loadModel } from '../host/format/model.ts';
import { DEFAULT_RECOGNIZER_URL } from '../host/models/recognizer.ts';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'ref' }, batch: { type: 'string', default: '1' }, runs: { type: 'string', default: '5' } } });
const batch = Number(values.batch), runs = Number(values.runs);
const bytes = readFileSync(DEFAULT_RECOGNIZER_URL);
const model = loadModel(bytes);
const exec = new Executor(model, await createBackend(values.backend!));
const shape = [batch, 150, 150, 3];
const plan = exec.plan({ image: shape });
const flops = plan.steps.reduce((a, s) => a + (s.op.flops?.(s.inputs.map((t) => t.shape), s.output.shape, s.attrs) ?? 0), 0);
const data = Float32Array.from({ length: batch * 150 * 150 * 3 }, (_, i) => (i * 37) % 256);
await exec.run({ image: { shape, data } }); // warm-up
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await exec.run({ image: { shape, data } });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(JSON.stringify({
  backend: values.backend, batch, model_file_bytes: bytes.byteLength, steps: plan.steps.length,
  peak_activation_bytes: plan.arenaFloats * 4, unplanned_activation_bytes: plan.naiveFloats * 4,
  gflop_per_image: +(flops / batch / 1e9).toFixed(3), median_ms: +median.toFixed(1), ms_per_image: +(median / batch).toFixed(1),
  gflops: +(flops / median / 1e6).toFixed(2),
}));
