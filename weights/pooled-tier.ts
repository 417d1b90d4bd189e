// Writes a CompNet/RecNet pair again with a pooled tier in its codec contract (host/codec/contract.ts
// PooledTier): qualities 1..UPTO store the code pooled 2x2 at steps log-spaced from S1 (quality 1) to
// S2 (quality UPTO). The tensors are copied as they are; only the metadata's codec_contract and model
// name change. This is how a released model gets its tier after training (the steps are chosen on
// View 1 tuning chips with bench/pooled-sweep.ts, within the steps the pair was trained over):
//   npx tsx weights/pooled-tier.ts SRC_DIR/NAME DST_DIR/NAME UPTO S1 S2
// e.g. model v7's pooled pair, from candidate v12q (weights/codec-v7.md).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSafetensors, writeSafetensors } from '../host/format/safetensors.ts';
import { contractOf, CONTRACT_KEY, type PooledTier } from '../host/codec/contract.ts';

/** A model file's bytes with its contract's pooled tier set to `tier` (and its model name, if given). */
export function withPooledTier(bytes: Uint8Array, tier: PooledTier, model?: string): Uint8Array {
  const file = parseSafetensors(bytes);
  file.metadata[CONTRACT_KEY] = JSON.stringify({ ...contractOf(file.metadata), pooled: tier });
  contractOf(file.metadata); // refuses a malformed tier
  if (model && file.metadata.model) file.metadata.model = model;
  return writeSafetensors([...file.tensors.entries()], file.metadata);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [src, dst, upTo, s1, s2] = process.argv.slice(2);
  if (!s2) throw new Error('usage: npx tsx weights/pooled-tier.ts SRC_DIR/NAME DST_DIR/NAME UPTO S1 S2');
  mkdirSync(path.dirname(dst), { recursive: true });
  for (const kind of ['compnet', 'recnet']) {
    const bytes = readFileSync(path.join(path.dirname(src), `${kind}-${path.basename(src)}.safetensors`));
    const out = withPooledTier(bytes, { upTo: Number(upTo), steps: [Number(s1), Number(s2)] }, `${kind}-${path.basename(dst)}`);
    writeFileSync(path.join(path.dirname(dst), `${kind}-${path.basename(dst)}.safetensors`), out);
  }
}
