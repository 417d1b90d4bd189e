// Shared by the WebGPU tests: whether a real adapter is here, and the CI rule. In CI (CI=true) a
// missing adapter is a failure; on a developer machine without a driver the GPU tests skip with a
// message that says how to get one.
import { acquireDevice } from '../../host/backends/webgpu/device.ts';
import { loadModel, saveModel } from '../../host/format/model.ts';
import type { Graph } from '../../host/format/graph.ts';
import { planGraph, type Plan } from '../../host/executor/plan.ts';
import { rng, type Case } from './harness.ts';

export const IN_CI = process.env.CI === 'true';

let probe: Promise<string | undefined> | undefined;

/** undefined when an adapter is available, else why not. */
export function gpuUnavailable(): Promise<string | undefined> {
  probe ??= acquireDevice({ timestamps: false }).then(
    ({ device }) => {
      device.destroy();
      return undefined;
    },
    (e: Error) => e.message,
  );
  return probe;
}

/** Resolves true when GPU tests should run; false (after printing why) when they should skip. Throws in CI. */
export async function requireGpu(what: string): Promise<boolean> {
  const why = await gpuUnavailable();
  if (!why) return true;
  if (IN_CI) throw new Error(`${what}: no WebGPU adapter in CI (CI=true), which is a failure: ${why}`);
  console.log(`\n  skipping ${what}: ${why}`);
  return false;
}

/** The plan of a harness case, with random weights (fused when the case has several nodes, as the harness does). */
export function planOfCase(c: Case, seed = 1): Plan {
  const rand = rng(seed);
  const weights = Object.entries(c.weights ?? {}).map(([name, w]) => {
    const shape = Array.isArray(w) ? w : w.shape;
    const n = shape.reduce((a, b) => a * b, 1);
    return { name, shape, f32: Array.isArray(w) ? Float32Array.from({ length: n }, () => rand() * 2 - 1) : Float32Array.from(w.data) };
  });
  const graph: Graph = { version: 1, inputs: Object.entries(c.inputs).map(([name, shape]) => ({ name, shape })), outputs: [c.output ?? 'y'], nodes: c.nodes };
  return planGraph(loadModel(saveModel(graph, weights)), c.inputs, { fuse: c.nodes.length > 1 });
}
