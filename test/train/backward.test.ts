// Every backward op against central finite differences of its forward reference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getOp } from '../../host/ops/index.ts';
import { size, type Shape } from '../../host/ops/op.ts';
import { GRADS } from '../../host/train/backward.ts';
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
  { op: 'conv2d', shapes: [[1, 6, 6, 4], [3, 3, 1, 4], [4]], attrs: { padding: [1, 0, 2, 1], groups: 4 } },
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
  { op: 'prelu', shapes: [[1, 3, 2, 3], [3]], awayFromZero: 0.05 },
  { op: 'maxpool', shapes: [[1, 5, 5, 2]], attrs: { kernel: 3, stride: 2, padding: 'valid' }, eps: 1e-4 },
  { op: 'maxpool', shapes: [[1, 4, 4, 3]], attrs: { kernel: 2, stride: 2, padding: 'same' }, eps: 1e-4 },
  { op: 'avgpool', shapes: [[1, 5, 4, 2]], attrs: { kernel: 2, stride: 2, padding: 'valid' } },
  { op: 'avgpool', shapes: [[1, 3, 3, 2]], attrs: { kernel: 3, stride: 1, padding: 'same' } },
  { op: 'global_mean', shapes: [[2, 3, 2, 3]] },
  { op: 'dense', shapes: [[3, 5], [5, 4], [4]] },
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

for (const [k, c] of cases.entries()) {
  test(`${c.op} #${k} ${JSON.stringify(c.attrs ?? {})}`, () => {
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
    const { out, shape } = forward(c.op, inputs, c.shapes, attrs);
    const r = Float32Array.from({ length: out.length }, () => rand() * 2 - 1); // loss = sum(out * r)
    const grads = GRADS[c.op]({ inputs, shapes: c.shapes, output: out, outShape: shape, attrs, g: r });
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

test('round: straight-through gradient', () => {
  const g = Float32Array.from([0.5, -1, 2]);
  const [d] = GRADS.round({ inputs: [new Float32Array(3)], shapes: [[3]], output: new Float32Array(3), outShape: [3], attrs: {}, g });
  assert.equal(Array.from(d!), [0.5, -1, 2]);
});

test.run();
