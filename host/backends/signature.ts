// Kernel signatures: a kernel's parameters, in slot order, declared once in a table (one per backend:
// host/backends/wasm/signatures.ts, host/backends/webgpu/signatures.ts). Everything that depends on the
// order is derived from it:
//   - the AssemblyScript prologue that reads the slots into named locals (kernels/gen/prologue.mjs),
//   - a WGSL kernel's uniform struct Params (wgslStruct, written by scripts/gen-shaders.mjs),
//   - the typed host writer (ArgsOf + packArgs): a missing, misspelt or mistyped field does not compile.
// Every slot is 32 bits: pointers are byte offsets in wasm linear memory (float offsets into the arena on WebGPU).
import * as CODES from '../ops/codes.ts';

/**
 * An address: a byte offset in wasm linear memory, where 0 means "no tensor", or a float offset into the
 * WebGPU arena (where 0 is a tensor's; an unused pointer is simply unread). Branded so a size cannot
 * stand in for it.
 */
export type Ptr = number & { readonly __brand: 'Ptr' };
export const NULL_PTR = 0 as Ptr;

/** The op-code tables of host/ops/codes.ts, by name. */
export type CodeTable = keyof typeof CODES;

/** One parameter: its name (the local in the kernel, the field on the host), its type and meaning. */
export interface ParamOf<N extends string, T extends string> {
  readonly name: N;
  readonly type: T;
  /** Meaning, and the shape for pointers. */
  readonly doc: string;
}
export type PtrParam<N extends string = string> = ParamOf<N, 'ptr'>;
/** i32: may be negative (pads, offsets); u32: a size or count (kernels read both as i32). */
export type IntParam<N extends string = string> = ParamOf<N, 'i32' | 'u32'>;
export type F32Param<N extends string = string> = ParamOf<N, 'f32'>;
export type BoolParam<N extends string = string> = ParamOf<N, 'bool'>;
/** An op code from host/ops/codes.ts: the host passes its name, the kernel compares with the enum. */
export interface CodeParam<N extends string = string, C extends CodeTable = CodeTable> extends ParamOf<N, 'code'> {
  readonly table: C;
}
export type Param = PtrParam | IntParam | F32Param | BoolParam | CodeParam;

export interface KernelSignature {
  /** What one work unit is ([start, end) of the kernel call ranges over units). */
  readonly units: string;
  readonly params: readonly Param[];
}

export const ptr = <N extends string>(name: N, doc: string): PtrParam<N> => ({ name, type: 'ptr', doc });
export const i32 = <N extends string>(name: N, doc: string): ParamOf<N, 'i32'> => ({ name, type: 'i32', doc });
export const u32 = <N extends string>(name: N, doc: string): ParamOf<N, 'u32'> => ({ name, type: 'u32', doc });
export const f32 = <N extends string>(name: N, doc: string): F32Param<N> => ({ name, type: 'f32', doc });
export const bool = <N extends string>(name: N, doc: string): BoolParam<N> => ({ name, type: 'bool', doc });
export const code = <N extends string, C extends CodeTable>(name: N, table: C, doc: string): CodeParam<N, C> => ({ name, type: 'code', table, doc });

type ValueOf<P> = P extends { type: 'ptr' }
  ? Ptr
  : P extends { type: 'bool' }
    ? boolean
    : P extends { type: 'code'; table: infer C extends CodeTable }
      ? keyof (typeof CODES)[C]
      : number;

/** The host-side arguments of a kernel: one field per parameter, by name. */
export type ArgsOf<S extends KernelSignature> = { -readonly [P in S['params'][number] as P['name']]: ValueOf<P> };

/**
 * The slots of one call: the arguments (ArgsOf<sig>, typed by the caller) written in the signature's order as 32-bit words (f32 as its bit
 * pattern). Checks what the types cannot: integers are integers in range, codes exist.
 */
export function packArgs(kernel: string, sig: KernelSignature, values: Readonly<Record<string, unknown>>): Int32Array {
  const words = new Int32Array(sig.params.length);
  const floats = new Float32Array(words.buffer);
  sig.params.forEach((p, i) => {
    const v = values[p.name];
    const bad = (what: string) => new Error(`kernel ${kernel}: argument ${p.name} must be ${what}, got ${String(v)}`);
    switch (p.type) {
      case 'f32':
        if (typeof v !== 'number') throw bad('a number');
        floats[i] = v;
        return;
      case 'bool':
        if (typeof v !== 'boolean') throw bad('a boolean');
        words[i] = v ? 1 : 0;
        return;
      case 'code': {
        const codes = CODES[p.table] as Record<string, number>;
        if (typeof v !== 'string' || !Object.hasOwn(codes, v)) throw bad(`one of ${Object.keys(codes).join(', ')} (${p.table})`);
        words[i] = codes[v];
        return;
      }
    }
    const min = p.type === 'i32' ? -(2 ** 31) : 0;
    const max = p.type === 'ptr' ? 2 ** 32 - 1 : 2 ** 31 - 1;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(`an integer in [${min}, ${max}]`);
    words[i] = v | 0;
  });
  return words;
}

const WGSL_TYPE = { ptr: 'u32', i32: 'i32', u32: 'u32', f32: 'f32', bool: 'u32', code: 'u32' } as const;

/**
 * The WGSL uniform struct of a signature: one 32-bit field per parameter in slot order (pointers become
 * u32 element offsets into the bound buffer), four to a line, padded to a multiple of 16 bytes.
 */
export function wgslStruct(sig: KernelSignature, name = 'Params'): string {
  const fields = sig.params.map((p) => `${p.name}: ${WGSL_TYPE[p.type]}`);
  for (let i = 0; fields.length % 4; i++) fields.push(`pad${i}: u32`);
  const lines: string[] = [];
  for (let i = 0; i < fields.length; i += 4) lines.push(`  ${fields.slice(i, i + 4).join(', ')},`);
  return `struct ${name} {\n${lines.join('\n')}\n}\n`;
}
