// WebGPU kernel benchmark: the tiled conv kernels against the naive one-output-per-invocation conv
// (the yardstick, same process, interleaved round by round) on the recognizer's conv shapes plus the
// reference 3x3 64->64 56x56; then the whole recognizer. JSON rows like bench/kernels.ts:
//   {"case", "impl": "facecodec-webgpu" | "facecodec-webgpu-naive", "threads": 1, "ms", "gflops", "gpu_ms"?}
// ms is wall time per conv dispatch (a measurement dispatches the conv `reps` times in one pass and
// reads the output once) and per batch for recognizer_bN; gpu_ms comes from timestamp queries.
// Run: npx tsx bench/webgpu-kernels.ts [--json] [--case NAME] [--rounds 7] [--batches 1,8]
//        [--kernel-batches 1] [--out bench/results/webgpu-lavapipe]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createWebGPUBackend, type WebGPUBackend, type WebGPUBinding } from '../host/backends/webgpu/index.ts';
import { Executor } from '../host/executor/executor.ts';
import { planFlops, planGraph, type Plan } from '../host/executor/plan.ts';
import { loadModel, saveModel, type Model } from '../host/format/model.ts';
import type { Padding } from '../host/ops/op.ts';
import { DEFAULT_RECOGNIZER_URL } from '../host/models/recognizer.ts';

interface Row {
  case: string;
  impl: string;
  threads: number;
  ms: number;
  gflops: number;
  gpu_ms?: number;
}

interface Conv {
  name: string;
  n: number; h: number; w: number; cin: number; cout: number; k: number; stride: number; padding: Padding;
}

const { values: opt } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    case: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    batches: { type: 'string', default: '1,8' },
    'kernel-batches': { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const rounds = Number(opt.rounds);
const list = (s: string) => s.split(',').filter(Boolean).map(Number);

/** The distinct conv shapes of the recognizer at batch 1, plus the reference 3x3 64->64 56x56 (names as bench/kernels.ts). */
function convCases(model: Model, n: number): Conv[] {
  const suffix = n > 1 ? `_b${n}` : '';
  const cases = new Map<string, Conv>();
  cases.set('conv3x3_c64_k64_56x56', { name: `conv3x3_c64_k64_56x56${suffix}`, n, h: 56, w: 56, cin: 64, cout: 64, k: 3, stride: 1, padding: [1, 1, 1, 1] });
  for (const s of planGraph(model, { image: [1, 150, 150, 3] }, { fuse: true }).steps) {
    if (s.op.name !== 'conv2d') continue;
    const [, h, w, cin] = s.inputs[0].shape;
    const [k, , , cout] = s.inputs[1].shape;
    const a = s.attrs as { stride: [number, number]; padding: Padding };
    const name = `conv${k}x${k}${a.stride[0] > 1 ? `s${a.stride[0]}` : ''}_c${cin}_k${cout}_${h}x${w}`;
    if (!cases.has(name)) cases.set(name, { name: name + suffix, n, h, w, cin, cout, k, stride: a.stride[0], padding: a.padding });
  }
  return [...cases.values()];
}

function convPlan(c: Conv): Plan {
  let seed = 1;
  const rnd = (len: number) => Float32Array.from({ length: len }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
  const graph = { version: 1, inputs: [{ name: 'x', shape: [c.n, c.h, c.w, c.cin] }], outputs: ['y'], nodes: [{ op: 'conv2d', inputs: ['x', 'w', 'b'], outputs: ['y'] as [string], attrs: { stride: c.stride, padding: c.padding } }] };
  const model = loadModel(saveModel(graph, [{ name: 'w', shape: [c.k, c.k, c.cin, c.cout], f32: rnd(c.k * c.k * c.cin * c.cout) }, { name: 'b', shape: [c.cout], f32: rnd(c.cout) }]));
  return planGraph(model, { x: [c.n, c.h, c.w, c.cin] }, { fuse: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: Row[] = [];
const emit = (r: Row) => {
  rows.push(r);
  console.log(opt.json ? JSON.stringify(r) : `${r.case.padEnd(30)} ${r.impl.padEnd(24)} ${r.ms.toFixed(3).padStart(10)} ms ${r.gflops.toFixed(2).padStart(8)} GFLOP/s${r.gpu_ms !== undefined ? `  (gpu ${r.gpu_ms.toFixed(3)} ms)` : ''}`);
};

/** A bound conv plan: measure() dispatches the conv `reps` times, reads once, returns wall and GPU ms per dispatch. */
async function convRunner(b: WebGPUBackend, plan: Plan) {
  const bound = (await b.bind(plan)) as WebGPUBinding;
  const x = plan.inputs[0];
  bound.write(x, Float32Array.from({ length: x.length }, (_, i) => Math.sin(i)));
  let reps = 1;
  const measure = async () => {
    await bound.gpuTimeMs();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) bound.dispatch(plan.steps[0]);
    await bound.read(plan.outputs[0]);
    const wall = (performance.now() - t0) / reps;
    const gpu = await bound.gpuTimeMs();
    return { wall, gpu: gpu === undefined ? undefined : gpu / reps };
  };
  // Calibrate: about 150 ms of work per measurement, so fixed per-submit costs vanish.
  const once = await measure();
  reps = Math.max(1, Math.min(200, Math.round(150 / Math.max(once.wall, 0.01))));
  return { measure, dispose: () => bound.dispose() };
}

const model = loadModel(readFileSync(DEFAULT_RECOGNIZER_URL));
const tiled = await createWebGPUBackend();
const naive = await createWebGPUBackend({ conv: 'naive' });
const adapter = tiled.adapterInfo;
if (!opt.json) console.log(`adapter: ${adapter}; timestamps: ${tiled.timestamps}`);

for (const n of list(opt['kernel-batches']!)) {
  for (const c of convCases(model, n).filter((c) => !opt.case || c.name.includes(opt.case))) {
    const plan = convPlan(c);
    const step = plan.steps[0];
    const flops = step.op.flops!(step.inputs.map((t) => t.shape), step.output.shape, step.attrs);
    const impls = [['facecodec-webgpu', await convRunner(tiled, plan)], ['facecodec-webgpu-naive', await convRunner(naive, plan)]] as const;
    const wall: number[][] = impls.map(() => []);
    const gpu: number[][] = impls.map(() => []);
    for (let r = -2; r < rounds; r++) {
      for (const [k, [, run]] of impls.entries()) {
        const m = await run.measure();
        if (r < 0) continue; // warm-up
        wall[k].push(m.wall);
        if (m.gpu !== undefined) gpu[k].push(m.gpu);
      }
    }
    impls.forEach(([impl, run], k) => {
      const ms = median(wall[k]);
      emit({ case: c.name, impl, threads: 1, ms: +ms.toFixed(4), gflops: +(flops / ms / 1e6).toFixed(3), ...(gpu[k].length ? { gpu_ms: +median(gpu[k]).toFixed(4) } : {}) });
      run.dispose();
    });
  }
}

if (!opt.case || 'recognizer'.includes(opt.case)) {
  const gflopPerImage = planFlops(planGraph(model, { image: [1, 150, 150, 3] }));
  const exec = new Executor(model, tiled);
  for (const batch of list(opt.batches!)) {
    const shape = [batch, 150, 150, 3];
    const data = Float32Array.from({ length: batch * 150 * 150 * 3 }, (_, i) => (i * 37) % 256);
    const times: number[] = [];
    for (let r = -2; r < Math.max(3, Math.min(rounds, 5)); r++) {
      const t0 = performance.now();
      await exec.run({ image: { shape, data } });
      if (r >= 0) times.push(performance.now() - t0);
    }
    const ms = median(times);
    emit({ case: `recognizer_b${batch}`, impl: 'facecodec-webgpu', threads: 1, ms: +ms.toFixed(3), gflops: +((gflopPerImage * batch) / ms / 1e6).toFixed(3) });
  }
  exec.dispose();
}
tiled.dispose();
naive.dispose();

if (opt.out) {
  const out = opt.out;
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(`${out}.json`, JSON.stringify({ adapter, timestamps: tiled.timestamps, node: process.version, date: new Date().toISOString().slice(0, 10), rounds, rows }, null, 1) + '\n');
  const get = (c: string, impl: string) => rows.find((r) => r.case === c && r.impl === impl);
  const cell = (r?: Row) => (r ? `${r.ms.toFixed(3)} ms / ${r.gflops.toFixed(2)}` : '-');
  const convs = [...new Set(rows.filter((r) => r.case.startsWith('conv')).map((r) => r.case))];
  const md = [
    `# WebGPU kernels on ${adapter}`,
    '',
    `\`npx tsx bench/webgpu-kernels.ts --out ${out}\`, Node ${process.version}. Cells: median wall ms per dispatch / GFLOP/s (${rounds} rounds after 2 warm-ups, interleaved).`,
    '',
    'Convs with fewer than 32 output pixels run on the direct kernel in both columns (see SMALL_M in host/backends/webgpu/lower/conv.ts).',
    '',
    '| case | tiled | naive | tiled / naive |',
    '|---|---|---|---|',
    ...convs.map((c) => {
      const t = get(c, 'facecodec-webgpu'), n = get(c, 'facecodec-webgpu-naive');
      return `| ${c} | ${cell(t)} | ${cell(n)} | ${t && n ? (n.ms / t.ms).toFixed(2) : '-'}x |`;
    }),
    '',
    '| model | ms per batch | ms per image | GFLOP/s |',
    '|---|---|---|---|',
    ...rows.filter((r) => r.case.startsWith('recognizer')).map((r) => `| ${r.case} | ${r.ms.toFixed(1)} | ${(r.ms / Number(r.case.split('_b')[1])).toFixed(1)} | ${r.gflops.toFixed(2)} |`),
    '',
  ].join('\n');
  writeFileSync(`${out}.md`, md);
}
