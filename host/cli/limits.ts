// --max-pixels, --max-file-bytes, --max-chunks: the decode limits (DecodeLimits) from the command
// line, shared by encode, decode, info and compare. Left out, the library's defaults apply.
import { stat } from 'node:fs/promises';
import type { DecodeLimits } from '../codec/container.ts';
import type { Usage } from './args.ts';

export const LIMIT_FLAGS = {
  'max-pixels': { type: 'string' },
  'max-file-bytes': { type: 'string' },
  'max-chunks': { type: 'string' },
} as const;

export const LIMITS_USAGE = '[--max-pixels N] [--max-file-bytes N] [--max-chunks N]';

/** The limits given on the command line (positive integers), others left to the defaults. */
export function limitsFrom(values: Record<string, unknown>, Usage: Usage): DecodeLimits {
  const out: DecodeLimits = {};
  const keys = { 'max-pixels': 'maxPixels', 'max-file-bytes': 'maxFileBytes', 'max-chunks': 'maxChunks' } as const;
  for (const [flag, key] of Object.entries(keys)) {
    const v = values[flag];
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new Usage(`--${flag} must be a positive integer, got "${v}"`);
    out[key] = n;
  }
  return out;
}

/** Refuses a file over --max-file-bytes before reading it. */
export async function checkFileSize(file: string, limits: DecodeLimits): Promise<void> {
  if (limits.maxFileBytes === undefined) return;
  const size = await stat(file).then((s) => s.size, () => undefined);
  if (size !== undefined && size > limits.maxFileBytes) throw new Error(`${file}: ${size} bytes, over the limit of ${limits.maxFileBytes} bytes (--max-file-bytes)`);
}
