// The compute budget, for every registered model: decoding a 150x150 chip (152x152 padded,
// code 38x38) costs at most 2 GFLOP in RecNet, and CompNet at most 0.3 GFLOP. Counted from each op's
// own flops() over the planned graph, so a grown network is caught whatever its layers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { planFlops, planGraph } from '../../host/executor/plan.ts';
import { loadModel } from '../../host/format/model.ts';
import { MODEL_REGISTRY } from '../../host/codec/models.ts';
import type { Shape } from '../../host/ops/op.ts';

const RECNET_BUDGET = 2e9, COMPNET_BUDGET = 0.3e9;

function gflop(file: URL, shapes: Record<string, Shape>): number {
  return planFlops(planGraph(loadModel(new Uint8Array(readFileSync(file))), shapes, { fuse: false }));
}

for (const m of MODEL_REGISTRY)
  test(`model ${m.name}: RecNet <= 2 GFLOP, CompNet <= 0.3 GFLOP per 150x150 chip`, () => {
    const rec = gflop(new URL(`../../weights/recnet-${m.name}.safetensors`, import.meta.url), { code: [1, 38, 38, 3], delta: [1, 38, 38, 1] });
    const comp = gflop(new URL(`../../weights/compnet-${m.name}.safetensors`, import.meta.url), { image: [1, 152, 152, 3] });
    assert.ok(rec > 0.5e9 && rec <= RECNET_BUDGET, `RecNet ${m.name}: ${(rec / 1e9).toFixed(3)} GFLOP`);
    assert.ok(comp > 0.1e9 && comp <= COMPNET_BUDGET, `CompNet ${m.name}: ${(comp / 1e9).toFixed(3)} GFLOP`);
  });

test.run();
