import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadModel, saveModel } from '../../host/format/model.ts';
import { planGraph, stepReads, ALIGN_FLOATS, type Plan, type PlannedTensor } from '../../host/executor/plan.ts';
import { Executor } from '../../host/executor/executor.ts';
import { RefBackend } from '../../host/backends/ref/index.ts';
import type { Graph } from '../../host/format/graph.ts';
import { close, throwsWith } from '../helpers.ts';

const recognizer = loadModel(readFileSync(new URL('../../weights/recognizer-dlib-r29.safetensors', import.meta.url)));

/** x -> conv 3x3 same (2->3) -> relu -> y ; symbolic N, H, W. */
function tinyModel() {
  const g: Graph = {
    version: 1,
    inputs: [{ name: 'x', shape: ['N', 'H', 'W', 2] }],
    outputs: ['y'],
    nodes: [
      { op: 'conv2d', inputs: ['x', 'w'], outputs: ['c'], attrs: { padding: 'same' } },
      { op: 'relu', inputs: ['c'], outputs: ['y'] },
    ],
  };
  const w = Float32Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => ((i * 7) % 5) - 2);
  return loadModel(saveModel(g, [{ name: 'w', shape: [3, 3, 2, 3], f32: w }]));
}

/** No two tensors that are live at the same step may overlap in the arena. */
function assertNoLiveOverlap(plan: Plan): void {
  const live = new Set<PlannedTensor>(plan.inputs);
  const lastUse = new Map<PlannedTensor, number>();
  plan.steps.forEach((s, i) => stepReads(s).forEach((t) => lastUse.set(t, i)));
  plan.outputs.forEach((t) => lastUse.set(t, Infinity));
  plan.steps.forEach((s, i) => {
    live.add(s.output);
    const ranges = [...live].filter((t) => t.kind !== 'weight').map((t) => [t.offset, t.offset + t.length, t.name] as const);
    for (const [a0, a1, an] of ranges) {
      assert.ok(a0 % ALIGN_FLOATS === 0, `${an} aligned`);
      assert.ok(a1 <= plan.arenaFloats, `${an} inside the arena`);
      for (const [b0, b1, bn] of ranges) if (an !== bn && a0 < b1 && b0 < a1) assert.unreachable(`step ${i}: ${an} and ${bn} overlap`);
    }
    for (const t of [...live]) if ((lastUse.get(t) ?? -1) <= i) live.delete(t);
  });
}

test('symbolic dims bind to the actual input; shapes follow', () => {
  const m = tinyModel();
  const p = planGraph(m, { x: [2, 5, 7, 2] });
  assert.equal(p.outputs[0].shape, [2, 5, 7, 3]);
  const q = planGraph(m, { x: [1, 9, 4, 2] });
  assert.equal(q.outputs[0].shape, [1, 9, 4, 3]);
});

test('input shape errors are clear', () => {
  const m = tinyModel();
  throwsWith(() => planGraph(m, {}), /missing input "x"/);
  throwsWith(() => planGraph(m, { x: [1, 5, 5, 3] }), /does not match \[N, H, W, 2\]/);
  throwsWith(() => planGraph(m, { x: [1, 5, 5] }), /rank 3/);
  throwsWith(() => planGraph(recognizer, { image: [1, 100, 100, 3] }), /does not match/);
});

test('shape inference failures name the node', () => {
  const g: Graph = { version: 1, inputs: [{ name: 'x', shape: ['N', 'H', 'W', 1] }], outputs: ['y'], nodes: [{ op: 'maxpool', inputs: ['x'], outputs: ['y'], attrs: { kernel: 5 } }] };
  const m = loadModel(saveModel(g, []));
  throwsWith(() => planGraph(m, { x: [1, 3, 3, 1] }), /node 0 \(maxpool -> y\).*does not fit/);
});

test('recognizer plan: buffers are reused, live tensors never overlap', () => {
  const p = planGraph(recognizer, { image: [1, 150, 150, 3] });
  assert.ok(p.arenaFloats < p.naiveFloats / 4, `arena ${p.arenaFloats} vs naive ${p.naiveFloats}`);
  assertNoLiveOverlap(p);
  const p8 = planGraph(recognizer, { image: [8, 150, 150, 3] });
  assertNoLiveOverlap(p8);
  assert.ok(p8.arenaFloats > p.arenaFloats * 7);
});

test('executor runs the tiny model on the reference backend and matches a direct computation', async () => {
  const m = tinyModel();
  const x = Float32Array.from({ length: 1 * 4 * 3 * 2 }, (_, i) => Math.sin(i));
  const ex = new Executor(m, new RefBackend());
  const { y } = await ex.run({ x: { shape: [1, 4, 3, 2], data: x } });
  // Direct: same conv, then relu.
  const w = m.weights.get('w')!.data;
  const expected: number[] = [];
  for (let oy = 0; oy < 4; oy++)
    for (let ox = 0; ox < 3; ox++)
      for (let co = 0; co < 3; co++) {
        let s = 0;
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++)
            for (let ci = 0; ci < 2; ci++) {
              const iy = oy + ky - 1, ix = ox + kx - 1;
              if (iy >= 0 && iy < 4 && ix >= 0 && ix < 3) s += x[(iy * 3 + ix) * 2 + ci] * w[((ky * 3 + kx) * 2 + ci) * 3 + co];
            }
        expected.push(Math.max(s, 0));
      }
  close(y.data, expected, 1e-5);
  // A second run with another shape re-plans; the first shape still works after.
  const { y: y2 } = await ex.run({ x: { shape: [1, 2, 2, 2], data: new Float32Array(8).fill(1) } });
  assert.equal(y2.shape, [1, 2, 2, 3]);
  const { y: again } = await ex.run({ x: { shape: [1, 4, 3, 2], data: x } });
  close(again.data, expected, 1e-5);
  throwsWith(() => ex.plan({ x: [1, 4, 3] }), /rank/);
});


test('fusion: the recognizer collapses to conv steps with epilogues, same descriptor on ref', async () => {
  const p = planGraph(recognizer, { image: [1, 150, 150, 3] }, { fuse: true });
  const unfused = planGraph(recognizer, { image: [1, 150, 150, 3] });
  const convs = p.steps.filter((s) => s.op.name === 'conv2d');
  assert.is(convs.length, 29);
  assert.ok(convs.every((s) => s.epilogue), 'every conv has an epilogue');
  assert.ok(convs.filter((s) => s.epilogue!.residual).length >= 9, 'identity residual adds fused');
  assert.ok(p.steps.length < unfused.steps.length / 2, `${p.steps.length} fused steps vs ${unfused.steps.length}`);
  assertNoLiveOverlap(p);
  const x = Float32Array.from({ length: 150 * 150 * 3 }, (_, i) => (i * 31) % 256);
  const [a, b] = await Promise.all([false, true].map(async (fuse) => (await new Executor(recognizer, new RefBackend(), { fuse }).run({ image: { shape: [1, 150, 150, 3], data: x } })).descriptor.data));
  close(b, a, 1e-5);
});

test.run();
