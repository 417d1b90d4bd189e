// AssemblyScript from the kernel signature table (host/backends/signature.ts): the prologue that reads a
// kernel's argument slots into named locals, and the op-code enums (kernels/codes.ts). Used by
// generate.mjs; plain functions of the table, so the tests can call them too.

const READ = { ptr: 'ap', i32: 'ai', u32: 'ai', code: 'ai', bool: 'ai', f32: 'af' };
export const BEGIN = '// @args';
export const END = '// @end args';
const WIDTH = 116;

/** Lines (indented) from BEGIN to END that declare one const per parameter, in slot order. */
export function prologue(name, sig, indent = '  ') {
  const decls = sig.params.map((p, i) => `${p.name} = ${READ[p.type]}(args, ${i})${p.type === 'bool' ? ' != 0' : ''}`);
  const lines = [`${indent}${BEGIN} ${name}: generated from host/backends/wasm/signatures.ts (npm run build:kernels)`];
  let cur = [];
  const flush = () => cur.length && lines.push(`${indent}const ${cur.join(', ')};`);
  for (const d of decls) {
    if (cur.length && indent.length + 'const '.length + [...cur, d].join(', ').length + 1 > WIDTH) {
      flush();
      cur = [];
    }
    cur.push(d);
  }
  flush();
  lines.push(`${indent}${END}`);
  return lines;
}

/** kernels/codes.ts: every table of host/ops/codes.ts as a const enum of the same name. */
export function codesModule(codes) {
  const out = [
    '// GENERATED from host/ops/codes.ts by kernels/gen/generate.mjs (npm run build:kernels): do not edit.',
    '// The op codes every backend shares, as enums of the same names: a kernel compares its `code`',
    '// arguments with these.',
  ];
  for (const [table, values] of Object.entries(codes)) {
    out.push('', `export const enum ${table} {`);
    for (const [k, v] of Object.entries(values)) out.push(`  ${k} = ${v},`);
    out.push('}');
  }
  return out.join('\n') + '\n';
}

const HEADER = /^export function (\w+)\(args: usize, start: i32, end: i32\): void \{$/;

/**
 * A kernel source with every kernel's prologue (re)written: after each `export function k(args, start,
 * end)` header, the block BEGIN..END is replaced (or inserted). Returns the text and the kernels found;
 * throws on a kernel the table does not know.
 */
export function withPrologues(text, table, file) {
  const lines = text.split('\n');
  const out = [];
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const m = HEADER.exec(lines[i]);
    if (!m) continue;
    const name = m[1];
    if (!table[name]) throw new Error(`${file}: kernel ${name} has no entry in host/backends/wasm/signatures.ts`);
    found.push(name);
    if (lines[i + 1]?.trim().startsWith(BEGIN)) {
      const end = lines.findIndex((l, j) => j > i && l.trim() === END);
      if (end < 0) throw new Error(`${file}: kernel ${name}: "${BEGIN}" without "${END}"`);
      i = end;
    }
    out.push(...prologue(name, table[name]));
  }
  return { text: out.join('\n'), found };
}
