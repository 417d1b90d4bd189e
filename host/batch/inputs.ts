// Which files a batch works on, and where each one's output goes. The input is a folder (walked
// recursively), a glob (`*`, `?`, `**`; e.g. 'faces/**/*.jpg') or a list file (one path per line,
// relative paths taken from the list file's folder). Each input gets a path relative to a base
// folder (the folder itself, the glob's fixed prefix, or the list's common parent), and its output
// mirrors that path under the output folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type Op = 'encode' | 'decode' | 'embed';

export interface Item {
  /** Absolute path of the input file. */
  src: string;
  /** Path relative to the input's base folder (forward slashes): the key of the item everywhere. */
  rel: string;
  /** Absolute path of the output file. */
  out: string;
}

/** Image files an op reads: facecodec PNGs for decode, PNG/JPEG images otherwise. */
const IMAGE = /\.(png|jpe?g)$/i;
const accepts = (op: Op, file: string) => (op === 'decode' ? /\.png$/i.test(file) : IMAGE.test(file));

/** The output path of an input, relative to the output folder: codes and chips are .png, descriptors .f32. */
export function outputRel(op: Op, rel: string): string {
  const stem = rel.replace(/\.[^./]*$/, '');
  return op === 'embed' ? `${stem}.f32` : `${stem}.png`;
}

export interface Listing {
  items: Item[];
  /** Inputs refused before any work (two inputs mapping to one output), with the reason. */
  refused: Array<{ rel: string; error: string }>;
}

/** The items of a batch, sorted by relative path. */
export function listInputs(op: Op, input: string, outDir: string): Listing {
  const files = resolveInput(op, input);
  const base = files.base;
  const seen = new Map<string, string>();
  const items: Item[] = [], refused: Listing['refused'] = [];
  for (const src of [...new Set(files.paths)].sort()) {
    const rel = path.relative(base, src).split(path.sep).join('/');
    const orel = outputRel(op, rel);
    const other = seen.get(orel);
    if (other !== undefined) {
      refused.push({ rel, error: `its output ${orel} is also the output of ${other}` });
      continue;
    }
    seen.set(orel, rel);
    items.push({ src, rel, out: path.join(outDir, orel) });
  }
  return { items, refused };
}

function resolveInput(op: Op, input: string): { base: string; paths: string[] } {
  const abs = path.resolve(input);
  let st;
  try {
    st = statSync(abs);
  } catch {
    if (/[*?]/.test(input)) return globFiles(abs);
    throw new Error(`${input}: no such file or folder`);
  }
  if (st.isDirectory()) return { base: abs, paths: walk(abs).filter((f) => accepts(op, f)) };
  if (IMAGE.test(abs)) return { base: path.dirname(abs), paths: [abs] };
  const dir = path.dirname(abs);
  const paths = readFileSync(abs, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => path.resolve(dir, l));
  return { base: commonParent(paths) ?? dir, paths };
}

/** Every file under a folder (symlinked folders are not followed, so a loop cannot hang the walk). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile() || (e.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile())) out.push(p);
  }
  return out;
}

/** Files matching an absolute glob: the walk starts at the longest prefix without wildcards. */
function globFiles(pattern: string): { base: string; paths: string[] } {
  const parts = pattern.split(path.sep);
  const fixed = parts.findIndex((p) => /[*?]/.test(p));
  const base = parts.slice(0, fixed).join(path.sep) || path.sep;
  const re = globRegex(parts.slice(fixed).join('/'));
  let files: string[] = [];
  try {
    files = walk(base);
  } catch {
    throw new Error(`${pattern}: the folder ${base} does not exist`);
  }
  return { base, paths: files.filter((f) => re.test(path.relative(base, f).split(path.sep).join('/'))) };
}

/** `**` matches any number of folders, `*` and `?` stay within one name. */
export function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function commonParent(paths: string[]): string | undefined {
  if (paths.length === 0) return undefined;
  let parts = path.dirname(paths[0]).split(path.sep);
  for (const p of paths) {
    const q = path.dirname(p).split(path.sep);
    let k = 0;
    while (k < parts.length && k < q.length && parts[k] === q[k]) k++;
    parts = parts.slice(0, k);
  }
  return parts.join(path.sep) || path.sep;
}
