// The compute budget, for every registered model: decoding a 150x150 chip (152x152 padded,
// code 38x38) costs at most 2 GFLOP in RecNet, and CompNet at most 0.3 GFLOP. Counted from each op's
// own flops() over the planned graph, so a grown network is caught whatever its layers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { planFlops, planGraph } from '../../host/executor/plan.ts';
import { loadModel } from '../../host/format/model.ts';
import { MODEL_REGISTRY, pairNames } from '../../host/codec/models.ts';
import type { Shape } from '../../host/ops/op.ts';

const RECNET_BUDGET = 2e9, COMPNET_BUDGET = 0.3e9;

function gflop(file: URL, shapes: Record<string, Shape>): number {
  return planFlops(planGraph(loadModel(new Uint8Array(readFileSync(file))), shapes, { fuse: false }));
}

for (const m of MODEL_REGISTRY)
  for (const pair of pairNames(m))
    test(`model ${m.name} (files ${pair}): RecNet <= 2 GFLOP, CompNet <= 0.3 GFLOP per 150x150 chip`, () => {
      // A pooled tier's pair runs at the same sizes: its code is pooled and laid back out at 38x38.
      const rec = gflop(new URL(`../../weights/recnet-${pair}.safetensors`, import.meta.url), { code: [1, 38, 38, 3], delta: [1, 38, 38, 1] });
      const comp = gflop(new URL(`../../weights/compnet-${pair}.safetensors`, import.meta.url), { image: [1, 152, 152, 3], delta: [1, 38, 38, 1] });
      assert.ok(rec > 0.5e9 && rec <= RECNET_BUDGET, `RecNet ${pair}: ${(rec / 1e9).toFixed(3)} GFLOP`);
      assert.ok(comp > 0.1e9 && comp <= COMPNET_BUDGET, `CompNet ${pair}: ${(comp / 1e9).toFixed(3)} GFLOP`);
    });

test.run();
