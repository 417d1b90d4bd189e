// The WebGPU backend on a real adapter (lavapipe in CI): every harness case, forward and backward ops
// alike, against the reference (guards, sentinels, nMSE <= 1e-7: wasm's bound; the worst case measured on
// lavapipe is about 1e-12), for the tiled kernels and the naive yardstick conv; then the
// failure paths: a shader error names file and line, device loss gives a clear error, the fallback
// backend takes over, and writes between dispatches keep plan order. Skips with a message where no
// adapter exists, except in CI (CI=true), where that is a failure.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWebGPUBackend, WebGPUBinding } from '../../host/backends/webgpu/index.ts';
import { createBackend } from '../../host/backends/index.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { SHADERS } from '../../host/backends/webgpu/shaders.generated.ts';
import { allCases, backendSuite, nmse, runCase } from './harness.ts';
import { planOfCase, requireGpu } from './webgpu-helpers.ts';

const reluCase = allCases().find((c) => c.name === 'relu x2,4,3,5')!;

/** elementwise.wgsl with a type error on the `round` line; returns the source and that line's number. */
function brokenElementwise(): { source: string; line: number } {
  const lines = SHADERS.elementwise.split('\n');
  const line = lines.findIndex((l) => l.includes('r = round(v);')) + 1;
  assert.ok(line > 0);
  lines[line - 1] = lines[line - 1].replace('round(v)', 'round(v, 2u)');
  return { source: lines.join('\n'), line };
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected a rejection matching ${re}`);
}

if (await requireGpu('webgpu backend tests')) {
  backendSuite('webgpu', () => createWebGPUBackend(), { tolerance: 1e-7 });
  // The naive conv is the benchmark's yardstick; it must be right too.
  backendSuite('webgpu naive conv', () => createWebGPUBackend({ conv: 'naive' }), { tolerance: 1e-7, filter: 'conv2d' });

  const t = suite('webgpu failures and ordering');

  t('a shader compile error names the shader file and line', async () => {
    const { source, line } = brokenElementwise();
    const b = await createWebGPUBackend({ shaders: { elementwise: source } });
    try {
      await rejects(Promise.resolve(b.bind(planOfCase(reluCase))), new RegExp(`WebGPU shader compile error: wgsl/elementwise\\.wgsl:${line}:\\d+: .*round`));
    } finally {
      b.dispose();
    }
  });

  t('an error in an appended part is located in that file', async () => {
    const lines = SHADERS.activation.split('\n');
    const line = lines.findIndex((l) => l.includes('exp(-v)')) + 1;
    assert.ok(line > 0);
    lines[line - 1] = lines[line - 1].replace('exp(-v)', 'exp(-v, v)');
    const b = await createWebGPUBackend({ shaders: { activation: lines.join('\n') } });
    try {
      await rejects(Promise.resolve(b.bind(planOfCase(reluCase))), new RegExp(`wgsl/activation\\.wgsl:${line}:`));
    } finally {
      b.dispose();
    }
  });

  t('device loss gives a clear error, then every call does', async () => {
    const b = await createWebGPUBackend();
    const plan = planOfCase(reluCase);
    const bound = await b.bind(plan);
    b.device.destroy(); // what a driver reset or a GPU process crash looks like to us
    const run = async () => {
      bound.write(plan.inputs[0], new Float32Array(plan.inputs[0].length));
      for (const s of plan.steps) bound.dispatch(s);
      return bound.read(plan.outputs[0]);
    };
    await rejects(run(), /WebGPU device lost \(destroyed/);
    await rejects(Promise.resolve(b.bind(plan)), /WebGPU device lost \(destroyed/);
    assert.throws(() => bound.dispatch(plan.steps[0]), /WebGPU device lost/);
  });

  t('fallback: a backend that cannot bind hands over to the fallback', async () => {
    const reasons: string[] = [];
    const backend = await createBackend('webgpu', {
      fallback: 'ref',
      onFallback: (e, f) => reasons.push(`${f}: ${e.message}`),
      webgpu: { shaders: { elementwise: brokenElementwise().source } },
    });
    assert.is(backend.name, 'webgpu');
    const got = await runCase(reluCase, backend, 7, false);
    assert.is(backend.name, 'ref');
    assert.is(reasons.length, 1);
    assert.match(reasons[0], /^ref: WebGPU shader compile error: wgsl\/elementwise\.wgsl:/);
    assert.ok(nmse(got, await runCase(reluCase, new RefBackend(), 7, false)) === 0);
  });

  t('a write between dispatches lands after the dispatches before it', async () => {
    const b = await createWebGPUBackend();
    try {
      const plan = planOfCase(reluCase);
      const bound = await b.bind(plan);
      const x = plan.inputs[0];
      const first = Float32Array.from({ length: x.length }, (_, i) => i - 10);
      bound.write(x, first);
      for (const s of plan.steps) bound.dispatch(s);
      bound.write(x, new Float32Array(x.length).fill(-1)); // must not reach the relu above
      const y = await bound.read(plan.outputs[0]);
      assert.equal(Array.from(y), Array.from(first, (v) => Math.max(v, 0)));
      assert.equal(Array.from(await bound.read(x)), new Array(x.length).fill(-1));
      bound.dispose();
    } finally {
      b.dispose();
    }
  });

  t('timestamp queries time the passes where the adapter has them', async () => {
    const b = await createWebGPUBackend();
    try {
      const plan = planOfCase(allCases().find((c) => c.name.startsWith('conv2d 3x3/1'))!);
      const bound = (await b.bind(plan)) as WebGPUBinding;
      for (const t of plan.inputs) bound.write(t, new Float32Array(t.length).fill(1));
      for (const s of plan.steps) bound.dispatch(s);
      await bound.read(plan.outputs[0]);
      const ms = await bound.gpuTimeMs();
      if (b.timestamps) assert.ok(ms !== undefined && ms > 0 && ms < 10_000, `gpu time ${ms}`);
      else assert.is(ms, undefined);
      bound.dispose();
    } finally {
      b.dispose();
    }
  });

  t.run();
}
