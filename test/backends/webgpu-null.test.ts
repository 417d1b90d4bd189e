// WebGPU checks that need no driver: every kernel the backend would dispatch for every harness case
// (and the recognizer, and the naive conv) is compiled, bound and run on Dawn's null backend, which
// validates shaders, pipelines, bind groups and dispatch sizes but computes nothing. Also: the
// embedded shaders and their generated Params are in sync with wgsl/ and the signature table, and the
// fallback taken when there is no adapter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHADERS } from '../../host/backends/webgpu/shaders.generated.ts';
import { kernelShaderNames } from '../../host/backends/webgpu/shaders.ts';
import { createWebGPUBackend, type WebGPUBackend } from '../../host/backends/webgpu/index.ts';
import { createBackend } from '../../host/backends/index.ts';
import { planGraph, type Plan } from '../../host/executor/plan.ts';
import { loadModel } from '../../host/format/model.ts';
import { DEFAULT_RECOGNIZER_URL } from '../../host/models/recognizer.ts';
import { allCases } from './harness.ts';
import { planOfCase } from './webgpu-helpers.ts';

const root = path.join(import.meta.dirname, '../..');

test('shaders.generated.ts is what wgsl/, the signature table and the op codes generate (npm run gen:shaders)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/gen-shaders.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test('every shader opens with a comment on its tiling', () => {
  for (const [name, src] of Object.entries(SHADERS)) assert.ok(src.startsWith(`// ${name}.wgsl: `), `${name}.wgsl must open with "// ${name}.wgsl: ..."`);
});

const nullGpu = async () => ((await import('webgpu')) as { create: (o: string[]) => GPU }).create(['backend=null']);

/** Binds and runs a plan on the null device: any shader, pipeline or binding error throws. */
async function exercise(b: WebGPUBackend, plan: Plan, used: Set<string>): Promise<void> {
  const bound = await b.bind(plan);
  for (const t of plan.inputs) bound.write(t, new Float32Array(t.length));
  for (const s of plan.steps) bound.dispatch(s);
  await bound.read(plan.outputs[0]);
  bound.dispose();
  for (const key of (b as unknown as { pipelines: Map<string, unknown> }).pipelines.keys()) used.add(key.split(' ')[0]);
}

test("every kernel compiles and binds on Dawn's null backend", async () => {
  const gpu = await nullGpu();
  const tiled = await createWebGPUBackend({ gpu, timestamps: false });
  const naive = await createWebGPUBackend({ gpu, timestamps: false, conv: 'naive' });
  const used = new Set<string>();
  try {
    for (const c of allCases()) {
      try {
        await exercise(tiled, planOfCase(c), used);
        if (c.name.startsWith('conv2d')) await exercise(naive, planOfCase(c), used);
      } catch (e) {
        assert.unreachable(`${c.name}: ${(e as Error).message}`);
      }
    }
    const model = loadModel(readFileSync(DEFAULT_RECOGNIZER_URL));
    await exercise(tiled, planGraph(model, { image: [3, 150, 150, 3] }, { fuse: true }), used);
  } finally {
    tiled.dispose();
    naive.dispose();
  }
  assert.equal([...used].sort(), kernelShaderNames(SHADERS).sort(), 'kernels exercised');
});

const noAdapterGpu = { requestAdapter: async () => null } as unknown as GPU;

test('no adapter: a clear error, or the fallback backend when one is named', async () => {
  try {
    await createBackend('webgpu', { webgpu: { gpu: noAdapterGpu } });
    assert.unreachable('no error');
  } catch (e) {
    assert.match((e as Error).message, /no WebGPU adapter found \(.*scripts\/setup-vulkan\.sh/);
  }
  const told: string[] = [];
  const b = await createBackend('webgpu', { fallback: 'ref', webgpu: { gpu: noAdapterGpu }, onFallback: (e, f) => told.push(`${f}: ${e.message}`) });
  assert.is(b.name, 'ref');
  assert.is(told.length, 1);
  assert.match(told[0], /^ref: no WebGPU adapter found/);
});

test.run();
