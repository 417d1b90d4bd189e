// Joint training throughput: the step `npm run train -- codec --recognizer-weight ...` runs (batch of
// whole 152x152 chips through CompNet, RecNet and dlib's recognizer, forward and backward, Adam), on
// the wasm backend (default) or on WebGPU (--backend webgpu; bench/gpu.sh runs it on a real GPU), through
// host/train/tape.ts. Also the forward and backward GFLOP/s of the step (multiply-adds x 2 of
// conv2d/dense over time in Tape.forward / backward).
//   npx tsx bench/train-step.ts [--backend wasm|webgpu] [--batch 4] [--threads 2] [--steps 6]
//     [--json] [--out PATH: writes PATH.json and PATH.md]
// The old wasm-only path's figures (bench/results/train-step.md) were measured with its frozen copy
// (bench/baseline/, deleted after cbd1c93); that file says how to rerun them at that commit.
// The chips are the bundled samples/ (content does not change the work); the originals' embeddings
// are recomputed every step, as in a first epoch (the training set has more chips than a run draws).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Backend } from '../host/backends/backend.ts';
import { WasmBackend } from '../host/backends/wasm/index.ts';
import { createWebGPUBackend } from '../host/backends/webgpu/index.ts';
import { Executor } from '../host/executor/executor.ts';
import { planGraph } from '../host/executor/plan.ts';
import { loadModel, saveModel, type Model } from '../host/format/model.ts';
import { decodeImage } from '../host/image/codecs.ts';
import { compnetSpec, initParams, recnetSpec, type NetSpec } from '../host/models/codec-graph.ts';
import { DEFAULT_RECOGNIZER_URL } from '../host/models/recognizer.ts';
import type { Shape } from '../host/ops/op.ts';
import { Adam } from '../host/train/adam.ts';
import { chipBatch, Rng, type ChipSet } from '../host/train/data.ts';
import { jointStep, type JointNets, type TapeLike } from '../host/train/joint-step.ts';
import { Tape } from '../host/train/tape.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '4' },
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '6' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const n = Number(values.batch), threads = Number(values.threads), steps = Number(values.steps);
if (values.backend !== 'wasm' && values.backend !== 'webgpu') throw new Error('--backend must be wasm or webgpu');
const onWasm = values.backend === 'wasm';

const samples = readdirSync(new URL('../samples/', import.meta.url)).filter((f) => f.endsWith('.png'));
const chipData = new Uint8Array(samples.length * 150 * 150 * 3);
samples.forEach((f, i) => {
  const img = decodeImage(readFileSync(new URL(`../samples/${f}`, import.meta.url)));
  if (img.width !== 150 || img.height !== 150) throw new Error(`samples/${f} is not a 150x150 chip`);
  for (let p = 0; p < 150 * 150; p++) for (let c = 0; c < 3; c++) chipData[(i * 22500 + p) * 3 + c] = img.data[p * img.channels + c];
});
const chips: ChipSet = { data: chipData, count: samples.length, files: samples };

const build = (spec: NetSpec, seed: number): Model => loadModel(saveModel(spec.graph, [...spec.consts, ...initParams(spec, seed)]));
const comp = compnetSpec(), rec = recnetSpec();
const recognizer = loadModel(new Uint8Array(readFileSync(DEFAULT_RECOGNIZER_URL)));
const wasm = onWasm ? await WasmBackend.create({ threads }) : undefined;
const webgpu = onWasm ? undefined : await createWebGPUBackend();
const backend: Backend & { dispose(): void } = (wasm ?? webgpu)!;
const backendLabel = wasm ? `wasm ${wasm.build}, ${threads} thread(s)` : `webgpu (${webgpu!.adapterInfo})`;

/** Multiply-adds x 2 of conv2d / dense / conv_transpose2d for a forward pass; backward counts dx where wanted and dw where trained. */
function flops(model: Model, shapes: Record<string, Shape>, trained: boolean, inputGrad: boolean): { fwd: number; bwd: number } {
  const plan = planGraph(model, shapes, { fuse: false });
  const needsGrad = new Set<string>(inputGrad ? Object.keys(shapes) : []);
  let fwd = 0, bwd = 0;
  for (const s of plan.steps) {
    const carries = s.inputs.some((t) => needsGrad.has(t.name) || (t.kind === 'weight' && trained));
    if (carries) needsGrad.add(s.output.name);
    if (!['conv2d', 'dense', 'conv_transpose2d'].includes(s.op.name)) continue;
    const w = s.inputs[1].shape;
    const macs = s.op.name === 'dense' ? s.output.length * w[0] : s.op.name === 'conv2d' ? s.output.length * w[0] * w[1] * w[2] : s.inputs[0].length * w[0] * w[1] * w[3];
    fwd += 2 * macs;
    if (needsGrad.has(s.inputs[0].name)) bwd += 2 * macs;
    if (trained) bwd += 2 * macs;
  }
  return { fwd, bwd };
}
const f152 = { image: [n, 152, 152, 3] }, code = { code: [n, 38, 38, 3], delta: [n, 38, 38, 1] }, f150 = { image: [n, 150, 150, 3] };
const fl = [flops(build(comp, 1), f152, true, false), flops(build(rec, 2), code, true, true), flops(recognizer, f150, false, true)];
const fwdFlops = fl.reduce((a, f) => a + f.fwd, 0); // the tapes' forward passes (the originals' embeddings run outside them)
const bwdFlops = fl.reduce((a, f) => a + f.bwd, 0);

/** Times forward and backward calls of a tape. */
function timed(t: TapeLike, clock: { fwd: number; bwd: number }): TapeLike {
  return {
    forward: async (i) => {
      const t0 = performance.now();
      const r = await t.forward(i);
      clock.fwd += performance.now() - t0;
      return r;
    },
    backward: async (a, s, w) => {
      const t0 = performance.now();
      const r = await t.backward(a, s, w);
      clock.bwd += performance.now() - t0;
      return r;
    },
  };
}

async function setup() {
  const make = (m: Model, params: Set<string>, wantInputs: Set<string>) => new Tape(m, backend, params, wantInputs);
  const compModel = build(comp, 1), recModel = build(rec, 2);
  const clock = { fwd: 0, bwd: 0 };
  const tapes = [make(compModel, new Set(comp.params.map((p) => p.name)), new Set()), make(recModel, new Set(rec.params.map((p) => p.name)), new Set(['code'])), make(recognizer, new Set(), new Set(['image']))];
  const exec = new Executor(recognizer, backend);
  const nets: JointNets = { comp: timed(tapes[0], clock), rec: timed(tapes[1], clock), id: { tape: timed(tapes[2], clock), exec, targets: new Map() } };
  const params = [...comp.params.map((p) => compModel.weights.get(p.name)!.data), ...rec.params.map((p) => recModel.weights.get(p.name)!.data)];
  const adam = new Adam(params);
  const rng = new Rng(7);
  const step = async () => {
    nets.id!.targets.clear();
    const whole = chipBatch(rng, chips, n);
    const deltas = Array.from({ length: n }, () => 2 + rng.next() * 100);
    const r = await jointStep(nets, { x: whole.x152, n, size: 152, whole, deltas, rand: () => rng.next() }, { lambda: 1, mu: 0.5, layout: 'g420' });
    adam.step([...comp.params.map((p) => r.comp.get(p.name)), ...rec.params.map((p) => r.rec.get(p.name))], 1e-4);
    tapes[0].weightsChanged();
    tapes[1].weightsChanged();
  };
  return { step, clock, dispose: () => (tapes.forEach((t) => t.dispose()), exec.dispose()) };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const run = await setup();
await run.step(); // warm-up: plans, weight copies
const ms: number[] = [], fwdMs: number[] = [], bwdMs: number[] = [];
for (let i = 0; i < steps; i++) {
  run.clock.fwd = run.clock.bwd = 0;
  const t0 = performance.now();
  await run.step();
  ms.push(performance.now() - t0);
  fwdMs.push(run.clock.fwd);
  bwdMs.push(run.clock.bwd);
}
const title = `joint step, batch ${n} whole chips (152x152), ${backendLabel}, median of ${steps} steps after 1 warm-up`;
const gflop = `tape forward ${(fwdFlops / 1e9).toFixed(2)} GFLOP, tape backward ${(bwdFlops / 1e9).toFixed(2)} GFLOP per step`;
const m = median(ms), fwd = median(fwdMs), bwd = median(bwdMs);
const rows = [{ case: `joint_step_b${n}`, impl: `facecodec-${values.backend}`, ms: +m.toFixed(1), samples_per_s: +((n * 1000) / m).toFixed(3), fwd_ms: +fwd.toFixed(1), fwd_gflops: +(fwdFlops / 1e6 / fwd).toFixed(2), bwd_ms: +bwd.toFixed(1), bwd_gflops: +(bwdFlops / 1e6 / bwd).toFixed(2) }];
const table = [
  '| ms per step | samples/s | tape forward ms | forward GFLOP/s | tape backward ms | backward GFLOP/s | backward/forward |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.ms.toFixed(0)} | ${r.samples_per_s.toFixed(2)} | ${r.fwd_ms.toFixed(0)} | ${r.fwd_gflops.toFixed(1)} | ${r.bwd_ms.toFixed(0)} | ${r.bwd_gflops.toFixed(1)} | ${(r.bwd_gflops / r.fwd_gflops).toFixed(2)} |`),
];
if (values.json) for (const r of rows) console.log(JSON.stringify(r));
else console.log([title, gflop, ...table].join('\n'));
if (values.out) {
  mkdirSync(path.dirname(values.out), { recursive: true });
  writeFileSync(`${values.out}.json`, JSON.stringify({ backend: backendLabel, node: process.version, date: new Date().toISOString().slice(0, 10), batch: n, steps, fwd_gflop: fwdFlops / 1e9, bwd_gflop: bwdFlops / 1e9, rows }, null, 1) + '\n');
  const command = `npx tsx bench/train-step.ts ${process.argv.slice(2).join(' ')}`;
  writeFileSync(`${values.out}.md`, [`# Joint training step on ${backendLabel}`, '', `\`${command}\`, Node ${process.version}: ${title}; ${gflop}.`, '', ...table, ''].join('\n'));
}
run.dispose();
backend.dispose();
