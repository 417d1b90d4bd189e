import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saveModel } from '../../host/format/model.ts';
import { compnetSpec, initParams, recnetSpec } from '../../host/models/codec-graph.ts';

/** Untrained CompNet/RecNet files (random init, seeded): the container and API work with any weights. */
export function untrainedModels(seed = 5, layout?: string): { compnet: string; recnet: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-codec-'));
  const comp = compnetSpec(), rec = recnetSpec();
  const compnet = path.join(dir, 'compnet.safetensors'), recnet = path.join(dir, 'recnet.safetensors');
  writeFileSync(compnet, saveModel(comp.graph, [...comp.consts, ...initParams(comp, seed)], layout ? { code_layout: layout } : {}));
  writeFileSync(recnet, saveModel(rec.graph, [...rec.consts, ...initParams(rec, seed + 1)]));
  return { compnet, recnet };
}
