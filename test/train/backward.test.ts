// Reverse-mode differentiation (host/train/grad-graph.ts) of every differentiable op against central
// finite differences of its forward reference: a one-node model whose first operand is the graph input
// and the others trainable weights, differentiated by the Tape on the reference backend (so the
// backward ops' references are what is checked; the harness checks each backend against them).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RefBackend } from '../../host/backends/ref/index.ts';
import { loadModel, saveModel } from '../../host/format/model.ts';
import { getOp } from '../../host/ops/index.ts';
import { size, type Shape } from '../../host/ops/op.ts';
import { GradError } from '../../host/train/grad-graph.ts';
import { Tape } from '../../host/train/tape.ts';
import { rng } from '../backends/harness.ts';

interface FdCase {
  op: string;
  shapes: Shape[];
  attrs?: Record<string, unknown>;
  /** Inputs whose gradient is checked (default all). */
  check?: number[];
  /** Keep inputs this far from 0 (kinks of relu-like ops). */
  awayFromZero?: number;
  /** Finite-difference step (default 1e-2); smaller where a step could flip a max. */
  eps?: number;
}

const cases: FdCase[] = [
  { op: 'conv2d', shapes: [[2, 5, 4, 3], [3, 3, 3, 4], [4]], attrs: { padding: 'same' } },
  { op: 'conv2d', shapes: [[1, 7, 6, 2], [3, 3, 2, 3]], attrs: { stride: 2, padding: 'valid' } },
  { op: 'conv2d', shapes: [[1, 9, 9, 3], [7, 7, 3, 2], [2]], attrs: { stride: 2, padding: 'valid' } },
  { op: 'relu', shapes: [[1, 3, 3, 2]], awayFromZero: 0.05 },
  { op: 'leaky_relu', shapes: [[1, 3, 3, 2]], attrs: { alpha: 0.1 }, awayFromZero: 0.05 },
  { op: 'tanh', shapes: [[1, 2, 3, 2]] },
  { op: 'sigmoid', shapes: [[1, 2, 3, 2]] },
  { op: 'clamp', shapes: [[1, 4, 4, 1]], attrs: { min: -0.5, max: 0.5 } },
  { op: 'add', shapes: [[1, 2, 2, 3], [1, 2, 2, 3]] },
  { op: 'mul', shapes: [[1, 2, 2, 3], [1, 2, 2, 3]] },
  { op: 'bias', shapes: [[2, 2, 2, 3], [3]] },
  { op: 'affine', shapes: [[2, 2, 2, 3], [3], [3]] },
  { op: 'maxpool', shapes: [[1, 5, 5, 2]], attrs: { kernel: 3, stride: 2, padding: 'valid' }, eps: 1e-4 },
  { op: 'maxpool', shapes: [[1, 4, 4, 3]], attrs: { kernel: 2, stride: 2, padding: 'same' }, eps: 1e-4 },
  { op: 'avgpool', shapes: [[1, 5, 4, 2]], attrs: { kernel: 2, stride: 2, padding: 'valid' } },
  { op: 'avgpool', shapes: [[1, 3, 3, 2]], attrs: { kernel: 3, stride: 1, padding: 'same' } },
  { op: 'global_mean', shapes: [[2, 3, 2, 3]] },
  { op: 'dense', shapes: [[3, 5], [5, 4], [4]], check: [0, 2] },
  { op: 'conv2d', shapes: [[1, 6, 5, 5], [3, 3, 5, 8], [8]], attrs: { padding: [0, 1, 1, 0] } },
  { op: 'conv2d', shapes: [[2, 7, 6, 8], [3, 3, 8, 4]], attrs: { stride: 2, padding: 'same' } },
  { op: 'leaky_relu', shapes: [[1, 3, 3, 2]], attrs: { alpha: -0.2 }, awayFromZero: 0.05 },
  { op: 'pad', shapes: [[1, 2, 3, 2]], attrs: { pads: [0, 1, 1, 0], channels: [0, 2] } },
  { op: 'concat', shapes: [[1, 2, 2, 2], [1, 2, 2, 1]] },
  { op: 'slice', shapes: [[1, 2, 2, 4]], attrs: { start: 1, end: 3 } },
  { op: 'depth_to_space', shapes: [[1, 2, 3, 8]], attrs: { block: 2 } },
  { op: 'space_to_depth', shapes: [[1, 4, 2, 3]], attrs: { block: 2 } },
  { op: 'resize_bilinear', shapes: [[1, 3, 4, 2]], attrs: { scale: 2 } },
  { op: 'resize_bilinear', shapes: [[1, 5, 5, 1]], attrs: { size: [3, 7] } },
];

function forward(op: string, inputs: Float32Array[], shapes: Shape[], attrs: unknown): { out: Float32Array; shape: Shape } {
  const def = getOp(op)!;
  const shape = def.inferShape(shapes, attrs);
  const out = new Float32Array(size(shape));
  def.ref(inputs, shapes, out, shape, attrs);
  return { out, shape };
}

/** Gradients of sum(out * r) for every operand, from the tape on the reference backend. */
async function tapeGrads(c: FdCase, inputs: Float32Array[], r: Float32Array): Promise<Array<Float32Array | undefined>> {
  const names = c.shapes.map((_, i) => (i === 0 ? 'x' : `w${i}`));
  const graph = { version: 1, inputs: [{ name: 'x', shape: c.shapes[0] }], outputs: ['y'], nodes: [{ op: c.op, inputs: names, outputs: ['y'] as [string], ...(c.attrs ? { attrs: c.attrs } : {}) }] };
  const model = loadModel(saveModel(graph, names.slice(1).map((name, i) => ({ name, shape: c.shapes[i + 1], f32: inputs[i + 1] }))));
  const tape = new Tape(model, new RefBackend(), new Set(names.filter((n, i) => i > 0 && (c.check ?? [i]).includes(i))));
  const acts = await tape.forward({ x: { shape: c.shapes[0], data: inputs[0] } });
  const g = await tape.backward(acts, new Map([['y', r]]), new Set(['x']));
  return names.map((n) => (n === 'x' ? g.inputs.get(n) : g.params.get(n)));
}

for (const [k, c] of cases.entries()) {
  test(`${c.op} #${k} ${JSON.stringify(c.attrs ?? {})}`, async () => {
    const rand = rng(77 + k);
    const def = getOp(c.op)!;
    const attrs = def.parseAttrs(c.attrs ?? {});
    const inputs = c.shapes.map((s) =>
      Float32Array.from({ length: size(s) }, () => {
        let v = rand() * 2 - 1;
        if (c.awayFromZero && Math.abs(v) < c.awayFromZero) v += Math.sign(v || 1) * c.awayFromZero;
        return v;
      }),
    );
    const { out } = forward(c.op, inputs, c.shapes, attrs);
    const r = Float32Array.from({ length: out.length }, () => rand() * 2 - 1); // loss = sum(out * r)
    const grads = await tapeGrads(c, inputs, r);
    const eps = c.eps ?? 1e-2;
    for (const i of c.check ?? inputs.map((_, j) => j)) {
      const analytic = grads[i];
      assert.ok(analytic, `${c.op}: gradient for input ${i}`);
      let num2 = 0, den2 = 0;
      for (let e = 0; e < inputs[i].length; e++) {
        const orig = inputs[i][e];
        // Loss in float64 from the float32 outputs; eps large enough that f32 rounding is negligible.
        const loss = (v: number) => {
          inputs[i][e] = v;
          const o = forward(c.op, inputs, c.shapes, attrs).out;
          let s = 0;
          for (let q = 0; q < o.length; q++) s += o[q] * r[q];
          return s;
        };
        const fd = (loss(orig + eps) - loss(orig - eps)) / (2 * eps);
        inputs[i][e] = orig;
        num2 += (fd - analytic![e]) ** 2;
        den2 += fd ** 2;
      }
      const rel = Math.sqrt(num2 / Math.max(den2, 1e-12));
      assert.ok(rel < 2e-3, `${c.op} input ${i}: relative error ${rel.toExponential(2)}`);
    }
  });
}

test('round: straight-through gradient', async () => {
  const g = Float32Array.from([0.5, -1, 2]);
  const [d] = await tapeGrads({ op: 'round', shapes: [[1, 1, 1, 3]] }, [new Float32Array(3)], g);
  assert.equal(Array.from(d!), [0.5, -1, 2]);
});

test('ops without a backward pass are refused with a clear error', async () => {
  for (const c of [
    { op: 'prelu', shapes: [[1, 3, 2, 3], [3]] },
    { op: 'conv2d', shapes: [[1, 6, 6, 4], [3, 3, 1, 4]], attrs: { padding: 'same', groups: 4 } },
    { op: 'dense', shapes: [[3, 5], [5, 4]] },
  ] as FdCase[]) {
    const inputs = c.shapes.map((s) => new Float32Array(size(s)));
    const out = forward(c.op, inputs, c.shapes, getOp(c.op)!.parseAttrs(c.attrs ?? {})).out;
    try {
      await tapeGrads(c, inputs, out);
      assert.unreachable(`${c.op}: no error`);
    } catch (e) {
      assert.instance(e, GradError, `${c.op}: ${(e as Error).message}`);
    }
  }
});

test.run();
