// Kernel benchmark: facecodec-wasm (1 and 2 threads) against TensorFlow.js wasm (XNNPACK) and
// onnxruntime-web wasm on the identical convs, in one process, interleaved round by round so machine
// noise hits every implementation alike; then the whole recognizer; then this CPU's f32x4 peak.
// Run: npm run bench -- kernels [--json] [--case NAME] [--rounds 15] [--out bench/results/kernels-wasm]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { WasmBackend } from '../host/backends/wasm/index.ts';
import { compileKernels, defaultWasmUrl, enableRelaxedSimd } from '../host/backends/wasm/module.ts';
import { Executor } from '../host/executor/executor.ts';
import { planFlops, planGraph } from '../host/executor/plan.ts';
import { loadModel, saveModel, type Model } from '../host/format/model.ts';
import { DEFAULT_RECOGNIZER_URL } from '../host/models/recognizer.ts';
import { initOrt, ortConv } from './competitors/ort-wasm.ts';
import { initTfjs, tfjsConv, tfjsRecognizer } from './competitors/tfjs-wasm.ts';
import { convFlops, randomConvData, randomFloats, type ConvCase, type ConvData, type Runner } from './competitors/types.ts';

export interface Row {
  case: string;
  impl: string;
  threads: number;
  ms: number;
  gflops: number;
  /** gflops / the measured f32x4 peak of one thread (x threads). */
  peak_fraction?: number;
}

const caseName = (c: ConvCase) => `conv${c.kh}x${c.kw}${c.stride > 1 ? `s${c.stride}` : ''}${c.groups > 1 ? '_dw' : ''}_c${c.cin}_k${c.cout}_${c.h}x${c.w}`;

/** The distinct conv shapes of the recognizer (from its fused plan), plus the reference 3x3 64->64 56x56. */
export function benchCases(recognizer: Model): ConvCase[] {
  const plan = planGraph(recognizer, { image: [1, 150, 150, 3] }, { fuse: true });
  const seen = new Map<string, ConvCase>();
  const ref: ConvCase = { name: '', n: 1, h: 56, w: 56, cin: 64, cout: 64, kh: 3, kw: 3, stride: 1, padding: [1, 1, 1, 1], groups: 1 };
  ref.name = 'conv3x3_c64_k64_56x56';
  seen.set(ref.name, ref);
  for (const s of plan.steps) {
    if (s.op.name !== 'conv2d') continue;
    const [n, h, w, cin] = s.inputs[0].shape;
    const [kh, kw, , cout] = s.inputs[1].shape;
    const a = s.attrs as { stride: [number, number]; padding: ConvCase['padding']; groups: number };
    const c: ConvCase = { name: '', n, h, w, cin, cout, kh, kw, stride: a.stride[0], padding: a.padding, groups: a.groups };
    c.name = caseName(c);
    if (!seen.has(c.name)) seen.set(c.name, c);
  }
  return [...seen.values()];
}

/** A one-node conv model with the case's weights, run through our executor (input copy + readback included, like the others). */
async function oursConv(c: ConvCase, data: ConvData, backend: WasmBackend): Promise<Runner & { output(): Promise<Float32Array> }> {
  const graph = { version: 1, inputs: [{ name: 'x', shape: [c.n, c.h, c.w, c.cin] }], outputs: ['y'], nodes: [{ op: 'conv2d', inputs: ['x', 'w', 'b'], outputs: ['y'] as [string], attrs: { stride: c.stride, padding: c.padding, groups: c.groups } }] };
  const model = loadModel(saveModel(graph, [{ name: 'w', shape: [c.kh, c.kw, c.cin / c.groups, c.cout], f32: data.w }, { name: 'b', shape: [c.cout], f32: data.b }]));
  const ex = new Executor(model, backend);
  const x = { shape: [c.n, c.h, c.w, c.cin], data: data.x };
  let last: Float32Array = new Float32Array(0);
  return {
    run: async () => {
      last = (await ex.run({ x })).y.data;
    },
    output: async () => last,
    dispose: () => ex.dispose(),
  };
}

async function oursRecognizer(model: Model, batch: number, backend: WasmBackend): Promise<Runner> {
  const ex = new Executor(model, backend);
  const image = { shape: [batch, 150, 150, 3], data: randomFloats(batch * 150 * 150 * 3, 7).map((v) => (v + 1) * 127.5) };
  return { run: async () => void (await ex.run({ image })), dispose: () => ex.dispose() };
}

/** Runs every runner `rounds` times, interleaved, after warm-up; returns the median ms of each. */
async function race(runners: Runner[], rounds: number, warmup = 5): Promise<number[]> {
  for (let i = 0; i < warmup; i++) for (const r of runners) await r.run();
  const times = runners.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++)
    for (const [k, r] of runners.entries()) {
      const t = performance.now();
      await r.run();
      times[k].push(performance.now() - t);
    }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

/** GFLOP/s of one thread on an 8- or 12-chain f32x4 multiply-add loop, whichever is faster. */
export async function measurePeak(relaxed: boolean): Promise<number> {
  const module = await compileKernels(defaultWasmUrl(relaxed ? 'relaxed-st' : 'simd-st'));
  const inst = new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 2, maximum: 65536 }) } });
  let best = 0;
  for (const chains of [8, 12]) {
    const f = inst.exports[`peak_f32x4_${chains}`] as (n: number) => number;
    for (let i = 0; i < 5; i++) f(1e6);
    const t: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      f(5e6);
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    best = Math.max(best, (5e6 * chains * 8) / t[4] / 1e6);
  }
  return best;
}

export interface KernelBenchOptions {
  json?: boolean;
  only?: string;
  rounds?: number;
  /** Write <out>.json and <out>.md. */
  out?: string;
  /** Threads for tfjs-wasm and onnxruntime-web (each library can set this once per process; default 1). */
  competitorThreads?: number;
  log?: (line: string) => void;
}

export async function runKernelBench(opts: KernelBenchOptions = {}): Promise<Row[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const rounds = opts.rounds ?? 15;
  const rows: Row[] = [];
  const emit = (r: Row) => {
    rows.push(r);
    log(opts.json ? JSON.stringify(r) : `${r.case.padEnd(28)} ${r.impl.padEnd(18)} ${String(r.threads).padStart(2)}t ${r.ms.toFixed(2).padStart(9)} ms ${r.gflops.toFixed(1).padStart(7)} GFLOP/s${r.peak_fraction !== undefined ? `  ${(r.peak_fraction * 100).toFixed(0)}% of peak` : ''}`);
  };

  const relaxed = await enableRelaxedSimd();
  const peak = await measurePeak(relaxed);
  emit({ case: 'peak_f32x4', impl: `facecodec-wasm${relaxed ? '' : '-plain'}`, threads: 1, ms: 0, gflops: peak, peak_fraction: 1 });
  if (relaxed) emit({ case: 'peak_f32x4', impl: 'facecodec-wasm-plain', threads: 1, ms: 0, gflops: await measurePeak(false) });

  const tfThreads = await initTfjs(opts.competitorThreads ?? 1);
  const ortThreads = await initOrt(opts.competitorThreads ?? 1);
  const ours1 = await WasmBackend.create({ threads: 1 });
  const ours2 = await WasmBackend.create({ threads: 2 });
  const recognizer = loadModel(readFileSync(DEFAULT_RECOGNIZER_URL));
  try {
    for (const c of benchCases(recognizer).filter((c) => !opts.only || c.name.includes(opts.only))) {
      const data = randomConvData(c);
      const impls: Array<[string, number, Runner]> = [
        ['facecodec-wasm', 1, await oursConv(c, data, ours1)],
        ['facecodec-wasm', 2, await oursConv(c, data, ours2)],
        ['tfjs-wasm', tfThreads, await tfjsConv(c, data)],
        ['ort-wasm', ortThreads, await ortConv(c, data)],
      ];
      const ms = await race(impls.map(([, , r]) => r), rounds);
      const flops = convFlops(c);
      impls.forEach(([impl, threads, r], k) => {
        const gflops = flops / ms[k] / 1e6;
        emit({ case: c.name, impl, threads, ms: ms[k], gflops, peak_fraction: impl === 'facecodec-wasm' ? gflops / (peak * threads) : undefined });
        r.dispose();
      });
    }
    if (!opts.only || 'recognizer'.includes(opts.only) || opts.only.startsWith('recognizer')) {
      const gflopPerImage = planFlops(planGraph(recognizer, { image: [1, 150, 150, 3] }));
      for (const batch of [1, 8]) {
        const impls: Array<[string, number, Runner]> = [
          ['facecodec-wasm', 1, await oursRecognizer(recognizer, batch, ours1)],
          ['facecodec-wasm', 2, await oursRecognizer(recognizer, batch, ours2)],
          ['tfjs-wasm', tfThreads, await tfjsRecognizer(batch)],
        ];
        const ms = await race(impls.map(([, , r]) => r), Math.max(5, Math.round(rounds / batch)), 3);
        impls.forEach(([impl, threads, r], k) => {
          const gflops = (gflopPerImage * batch) / ms[k] / 1e6;
          emit({ case: `recognizer_b${batch}`, impl, threads, ms: ms[k], gflops, peak_fraction: impl === 'facecodec-wasm' ? gflops / (peak * threads) : undefined });
          r.dispose();
        });
      }
    }
  } finally {
    ours2.dispose();
  }
  if (opts.out) writeResults(rows, opts.out, peak);
  return rows;
}

function writeResults(rows: Row[], out: string, peak: number): void {
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(`${out}.json`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const cases = [...new Set(rows.filter((r) => r.case !== 'peak_f32x4').map((r) => r.case))];
  const get = (c: string, impl: string, t?: number) => rows.find((r) => r.case === c && r.impl === impl && (t === undefined || r.threads === t));
  const fmt = (r?: Row) => (r ? `${r.ms.toFixed(2)} ms / ${r.gflops.toFixed(1)}` : '-');
  const lines = [
    `f32x4 multiply-add peak, one thread: ${peak.toFixed(1)} GFLOP/s. Cells: median ms / GFLOP/s.`,
    '',
    '| case | ours 1t | ours 2t | tfjs-wasm | ort-wasm | ours 1t / tfjs | ours 1t / ort | 2t / 1t | ours 1t % of peak |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cases) {
    const o1 = get(c, 'facecodec-wasm', 1), o2 = get(c, 'facecodec-wasm', 2), tf = get(c, 'tfjs-wasm'), ort = get(c, 'ort-wasm');
    const ratio = (a?: Row, b?: Row) => (a && b ? (b.ms / a.ms).toFixed(2) + 'x' : '-');
    lines.push(`| ${c} | ${fmt(o1)} | ${fmt(o2)} | ${fmt(tf)} | ${fmt(ort)} | ${ratio(o1, tf)} | ${ratio(o1, ort)} | ${ratio(o2, o1)} | ${o1?.peak_fraction !== undefined ? (o1.peak_fraction * 100).toFixed(0) + '%' : '-'} |`);
  }
  writeFileSync(`${out}.md`, lines.join('\n') + '\n');
}
