// LFW-style pair lists: pairs.txt (View 2: "10\t300" then 10 folds of 300 same + 300 different lines)
// and pairsDevTrain/DevTest (View 1: a count, then that many same lines and that many different lines).
import path from 'node:path';

export interface Pair {
  a: string;
  b: string;
  same: boolean;
  fold: number;
}

/** Relative image path inside an LFW-style folder: Name/Name_NNNN.jpg. */
export const lfwImagePath = (name: string, n: number, ext = '.jpg') => path.join(name, `${name}_${String(n).padStart(4, '0')}${ext}`);

export function parsePairs(text: string, ext = '.jpg'): { pairs: Pair[]; folds: number } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error('pairs file is empty');
  const head = lines[0].split(/\s+/).map(Number);
  let folds: number, perSide: number;
  if (head.length === 2) [folds, perSide] = head;
  else if (head.length === 1) [folds, perSide] = [1, head[0]];
  else throw new Error(`pairs file: bad first line "${lines[0]}"`);
  if (!(Number.isInteger(folds) && folds > 0 && Number.isInteger(perSide) && perSide > 0)) throw new Error(`pairs file: bad first line "${lines[0]}"`);
  if (lines.length - 1 !== folds * perSide * 2) throw new Error(`pairs file: header says ${folds} x ${perSide} x 2 pairs, found ${lines.length - 1} lines`);
  const pairs: Pair[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(/\s+/);
    // View 1 files have no folds: pairs are dealt round-robin into 10 folds for cross-validation.
    const fold = head.length === 2 ? Math.floor((i - 1) / (2 * perSide)) : (i - 1) % 10;
    const num = (s: string) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1) throw new Error(`pairs file line ${i + 1}: bad image number "${s}"`);
      return n;
    };
    if (f.length === 3) pairs.push({ a: lfwImagePath(f[0], num(f[1]), ext), b: lfwImagePath(f[0], num(f[2]), ext), same: true, fold });
    else if (f.length === 4) pairs.push({ a: lfwImagePath(f[0], num(f[1]), ext), b: lfwImagePath(f[2], num(f[3]), ext), same: false, fold });
    else throw new Error(`pairs file line ${i + 1}: expected 3 or 4 fields, got ${f.length}`);
  }
  return { pairs, folds: head.length === 2 ? folds : Math.min(10, pairs.length) };
}

/** Distinct image paths in first-seen order. */
export function pairImages(pairs: Pair[]): string[] {
  const seen = new Set<string>();
  for (const p of pairs) {
    seen.add(p.a);
    seen.add(p.b);
  }
  return [...seen];
}
