// embed's combined output: after a batch, the per-file descriptors (<rel>.f32, 128 float32 LE) are
// gathered in input order into descriptors.jsonl ({"file", "descriptor"} per line) or, with --format
// bin, descriptors.f32 (N x 128 float32 LE, row i = line i of descriptors.index) and descriptors.index.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DESCRIPTOR_LENGTH } from '../models/recognizer.ts';
import type { Item } from './inputs.ts';
import { isDone, writeAtomic } from './outputs.ts';

export type DescriptorFormat = 'jsonl' | 'bin';

/** Writes the combined file(s) into outDir; returns their paths and how many descriptors they hold. */
export function gatherDescriptors(items: Item[], outDir: string, format: DescriptorFormat): { files: string[]; count: number } {
  const rows: Array<{ rel: string; bytes: Uint8Array }> = [];
  for (const it of items) {
    if (!isDone(it.out)) continue;
    const bytes = new Uint8Array(readFileSync(it.out));
    if (bytes.length !== DESCRIPTOR_LENGTH * 4) throw new Error(`${it.out}: ${bytes.length} bytes, expected ${DESCRIPTOR_LENGTH * 4}`);
    rows.push({ rel: it.rel, bytes });
  }
  if (format === 'jsonl') {
    const file = path.join(outDir, 'descriptors.jsonl');
    const lines = rows.map(({ rel, bytes }) => JSON.stringify({ file: rel, descriptor: Array.from(new Float32Array(bytes.slice().buffer)) }) + '\n');
    writeAtomic(file, lines.join(''));
    return { files: [file], count: rows.length };
  }
  const all = new Uint8Array(rows.length * DESCRIPTOR_LENGTH * 4);
  rows.forEach((r, i) => all.set(r.bytes, i * DESCRIPTOR_LENGTH * 4));
  const bin = path.join(outDir, 'descriptors.f32'), index = path.join(outDir, 'descriptors.index');
  writeAtomic(bin, all);
  writeAtomic(index, rows.map((r) => r.rel + '\n').join(''));
  return { files: [bin, index], count: rows.length };
}
