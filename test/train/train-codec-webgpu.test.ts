// `npm run train -- codec --backend webgpu` against --backend wasm: trainCodec (the trainer the CLI runs:
// data, tapes, joint step, Adam, checkpoint, freeze) for 20 steps with the same seed on each backend,
// on a tiny setup (the six bundled sample chips as the LFW set, batch 4 crops of 32x32, g420), then
// the frozen weights compared tensor by tensor.
//
// Tolerance: for every trained tensor, ||w_webgpu - w_wasm|| <= 1e-4 * ||w_wasm - w_init||, i.e. the
// two runs' weights differ by at most a 1e-4 share of what training moved them. Measured on lavapipe:
// at most 2e-6 (the largest element difference is about 1.5e-8, one float32 ulp of the weights; the
// per-op kernels differ by summation order only, and Adam's normalised steps keep that small). The
// margin leaves room for other GPUs' orders and fused multiply-adds; a wrong gradient anywhere
// moves its tensors by a share of order 1. Skips without an adapter, except in CI (CI=true).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trainCodec } from '../../host/train/train-codec.ts';
import { loadModel, type Model } from '../../host/format/model.ts';
import { compnetSpec, DELTA_RANGE, initParams, recnetSpec, type NetSpec } from '../../host/models/codec-graph.ts';
import { requireGpu } from '../backends/webgpu-helpers.ts';

const SEED = 1234;
const TOLERANCE = 1e-4;

/** An LFW-like folder holding the bundled sample chips, its training list and an empty test list. */
function sampleData(dir: string) {
  const samples = path.join(import.meta.dirname, '../../samples');
  const files = readdirSync(samples).filter((f) => f.endsWith('.png')).map((f) => {
    const person = f.replace(/_\d{4}\.png$/, '');
    mkdirSync(path.join(dir, 'lfw', person), { recursive: true });
    copyFileSync(path.join(samples, f), path.join(dir, 'lfw', person, f));
    return `${person}/${f}`;
  });
  writeFileSync(path.join(dir, 'train.txt'), files.join('\n') + '\n');
  writeFileSync(path.join(dir, 'test.txt'), '');
  return { lfw: path.join(dir, 'lfw'), lists: [path.join(dir, 'train.txt')], testReferenced: path.join(dir, 'test.txt'), cacheDir: path.join(dir, 'cache') };
}

/** ||a - b|| / ||a - init|| of one tensor. */
function relativeDifference(a: Float32Array, b: Float32Array, init: Float32Array): number {
  let diff = 0, moved = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    moved += (a[i] - init[i]) ** 2;
  }
  assert.ok(moved > 0, 'training moved the weights');
  return Math.sqrt(diff / moved);
}

if (await requireGpu('webgpu training test')) {
  test('20 training steps on webgpu give the weights 20 steps on wasm give', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'facecodec-train-'));
    try {
      const data = sampleData(dir);
      const weightsDir = path.join(dir, 'weights');
      for (const backend of ['wasm', 'webgpu'] as const) {
        const r = await trainCodec({
          data, steps: 20, batch: 4, patch: 32, celebaShare: 0, lr: 1e-3, delta: [DELTA_RANGE[1], DELTA_RANGE[0]], checkpointEvery: 50,
          maxSeconds: 600, name: backend, weightsDir, seed: SEED, threads: 1, backend, layout: 'g420', log: () => {},
        });
        assert.equal(r, { done: true, step: 20 });
        assert.match(readFileSync(path.join(weightsDir, `codec-${backend}.md`), 'utf8'), `(${backend} backend`);
      }
      const nets: Array<[string, NetSpec, number]> = [['compnet', compnetSpec(), SEED], ['recnet', recnetSpec(), SEED + 1]]; // trainCodec's init seeds
      for (const [net, spec, seed] of nets) {
        const init = new Map(initParams(spec, seed).map((t) => [t.name, t.f32]));
        const load = (b: string): Model => loadModel(readFileSync(path.join(weightsDir, `${net}-${b}.safetensors`)));
        const wasm = load('wasm'), webgpu = load('webgpu');
        for (const p of spec.params) {
          const e = relativeDifference(wasm.weights.get(p.name)!.data, webgpu.weights.get(p.name)!.data, init.get(p.name)!);
          assert.ok(e <= TOLERANCE, `${net} ${p.name}: webgpu differs from wasm by ${e.toExponential(2)} of the update`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.run();
}
