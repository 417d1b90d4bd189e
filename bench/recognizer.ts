// Recognizer cost on a backend: model file size, planned peak activation bytes, median ms per embedding.
// Run: npx tsx bench/recognizer.ts [--backend ref] [--batch 1] [--runs 5] [--model dlib|faceres]
// --model faceres times HSE FaceRes-deep (the LFW benchmark's second recognizer, evaluation only; 224x224
// input, converted into .cache/models/ on first use) and dlib's recognizer interleaved in the same
// process, and prints their ratio.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { createBackend } from '../host/backends/index.ts';
import { Executor } from '../host/executor/executor.ts';
import { planFlops } from '../host/executor/plan.ts';
import { loadModel } from '../host/format/model.ts';
import { DEFAULT_RECOGNIZER_URL } from '../host/models/recognizer.ts';
import { faceresModelBytes } from './eval/recognizers.ts';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'ref' }, batch: { type: 'string', default: '1' }, runs: { type: 'string', default: '5' }, model: { type: 'string', default: 'dlib' } } });
const batch = Number(values.batch), runs = Number(values.runs);
const backend = await createBackend(values.backend!);

function setup(name: string, bytes: Uint8Array, size: number) {
  const exec = new Executor(loadModel(bytes), backend);
  const shape = [batch, size, size, 3];
  const plan = exec.plan({ image: shape });
  const flops = planFlops(plan);
  const data = Float32Array.from({ length: batch * size * size * 3 }, (_, i) => (i * 37) % 256);
  const times: number[] = [];
  const run = async () => {
    const t = performance.now();
    await exec.run({ image: { shape, data } });
    return performance.now() - t;
  };
  return { name, bytes, plan, flops, times, run };
}

const cases = [setup('dlib', readFileSync(DEFAULT_RECOGNIZER_URL), 150)];
if (values.model === 'faceres') cases.push(setup('faceres', faceresModelBytes('.cache'), 224));
else if (values.model !== 'dlib') throw new Error(`--model: dlib or faceres, got ${values.model}`);
for (const c of cases) await c.run(); // warm-up
for (let i = 0; i < runs; i++) for (const c of cases) c.times.push(await c.run());
const medians = cases.map((c) => [...c.times].sort((a, b) => a - b)[Math.floor(c.times.length / 2)]);
cases.forEach((c, k) => {
  const median = medians[k];
  console.log(JSON.stringify({
    model: c.name, backend: values.backend, batch, model_file_bytes: c.bytes.byteLength, steps: c.plan.steps.length,
    peak_activation_bytes: c.plan.arenaFloats * 4, unplanned_activation_bytes: c.plan.naiveFloats * 4,
    gflop_per_image: +(c.flops / batch / 1e9).toFixed(3), median_ms: +median.toFixed(1), ms_per_image: +(median / batch).toFixed(1),
    gflops: +(c.flops / median / 1e6).toFixed(2),
  }));
});
if (cases.length === 2) console.log(JSON.stringify({ faceres_over_dlib_ms_per_image: +(medians[1] / medians[0]).toFixed(2) }));
