// A disk cache of small binary records, one file per key. Writes go to a temporary name in the same
// folder and are renamed into place, so a reader sees either nothing or a whole record: a run killed
// mid-write leaves only a *.tmp-* file, which lookups never read (and which `sweep` removes).
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MAGIC = 0x31434346; // "FCC1" little-endian
export const TMP_MARK = '.tmp-';

export class DiskCache {
  private made = new Set<string>();
  constructor(readonly dir: string) {}

  private file(key: string): string {
    if (!/^[\w.\-/]+$/.test(key) || key.includes('..') || key.includes(TMP_MARK)) throw new Error(`bad cache key "${key}"`);
    return path.join(this.dir, key);
  }

  /** The record under key, or undefined when absent or not a whole record (bad magic or length). */
  get(key: string): Uint8Array | undefined {
    let buf: Buffer;
    try {
      buf = readFileSync(this.file(key));
    } catch {
      return undefined;
    }
    if (buf.byteLength < 8) return undefined;
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (v.getUint32(0, true) !== MAGIC || v.getUint32(4, true) !== buf.byteLength - 8) return undefined;
    return new Uint8Array(buf.buffer, buf.byteOffset + 8, buf.byteLength - 8);
  }

  put(key: string, data: Uint8Array): void {
    const f = this.file(key), dir = path.dirname(f);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    const out = new Uint8Array(data.byteLength + 8);
    const v = new DataView(out.buffer);
    v.setUint32(0, MAGIC, true);
    v.setUint32(4, data.byteLength, true);
    out.set(data, 8);
    const tmp = `${f}${TMP_MARK}${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    writeFileSync(tmp, out);
    renameSync(tmp, f);
  }

  /** Removes temporary files left by killed writers under the given sub-folder (default: all). */
  sweep(sub = ''): number {
    let n = 0;
    const walk = (d: string) => {
      let entries;
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.includes(TMP_MARK)) {
          rmSync(p, { force: true });
          n++;
        }
      }
    };
    walk(path.join(this.dir, sub));
    return n;
  }
}
