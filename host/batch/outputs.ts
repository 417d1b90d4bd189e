// Atomic output files: each is written to a temporary name beside its final path, then renamed
// (rename is atomic on one filesystem), so a file under its final name is always complete and a
// batch killed at any moment leaves only temporaries, which carry TMP_MARK in their name.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const TMP_MARK = '.facecodec-tmp-';

/** Writes `bytes` to `file` atomically (folders created as needed). */
export function writeAtomic(file: string, bytes: Uint8Array | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}${TMP_MARK}${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A finished output: present under its final name (temporaries never are). */
export const isDone = (file: string): boolean => existsSync(file);

/** Removes temporaries left by killed runs under `dir`; returns how many. Only for a folder no other run writes to. */
export function removeTemporaries(dir: string): number {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += removeTemporaries(p);
    else if (e.name.includes(TMP_MARK)) {
      rmSync(p, { force: true });
      n++;
    }
  }
  return n;
}
