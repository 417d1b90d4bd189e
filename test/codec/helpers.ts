import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saveModel } from '../../host/format/model.ts';
import { codecContract, compnetSpec, initParams, recnetSpec } from '../../host/models/codec-graph.ts';
import { contractMetadata, type CodecContract } from '../../host/codec/contract.ts';
import type { CodeLayout } from '../../host/codec/layout.ts';

/** Untrained CompNet/RecNet files (random init, seeded): the container and API work with any weights. */
export function untrainedModels(seed = 5, layout?: CodeLayout, contract?: Partial<CodecContract>): { compnet: string; recnet: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-codec-'));
  const comp = compnetSpec(), rec = recnetSpec();
  const compnet = path.join(dir, 'compnet.safetensors'), recnet = path.join(dir, 'recnet.safetensors');
  // No layout or contract: files like models v1/v2 (no contract metadata, legacy contract, rgb layout).
  const meta = layout || contract ? contractMetadata({ ...codecContract(layout ?? 'rgb', [2, 128]), ...contract }) : {};
  writeFileSync(compnet, saveModel(comp.graph, [...comp.consts, ...initParams(comp, seed)], meta));
  writeFileSync(recnet, saveModel(rec.graph, [...rec.consts, ...initParams(rec, seed + 1)], meta));
  return { compnet, recnet };
}
