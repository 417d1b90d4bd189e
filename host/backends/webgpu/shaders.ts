// How a kernel's WGSL module is put together: its file wgsl/<name>.wgsl first (so compiler line numbers
// in it are its own), then its generated Params struct and op-code constants (PARAMS, written by
// scripts/gen-shaders.mjs from signatures.ts and host/ops/codes.ts), then common.wgsl and the parts the
// kernel calls: activation.wgsl (`activate(`), epilogue.wgsl (`epilogue(`, which also brings
// activation.wgsl) and weights.wgsl (`wld(` / `wld4(`). WGSL declarations may come in any order.

/** The appended parts (not entry points). */
export const PARTS: ReadonlySet<string> = new Set(['common', 'activation', 'epilogue', 'weights', 'quad']);

/** The parts a kernel's source needs, in the order they are appended. */
export function partsOf(main: string): string[] {
  const parts = ['common'];
  const epilogue = /\bepilogue\(/.test(main);
  if (epilogue) parts.push('epilogue');
  if (epilogue || /\bactivate\(/.test(main)) parts.push('activation');
  if (/\bwld4?\(/.test(main)) parts.push('weights');
  if (/\bquad\(/.test(main)) parts.push('quad');
  return parts;
}

export interface ShaderPart {
  /** Where the text comes from, for compile errors ("wgsl/conv2d.wgsl"). */
  file: string;
  text: string;
}

/** The parts of kernel `name`'s module, in order. */
export function shaderParts(name: string, sources: Readonly<Record<string, string>>, params: Readonly<Record<string, string>>): ShaderPart[] {
  const main = sources[name];
  if (main === undefined || PARTS.has(name)) throw new Error(`webgpu backend: no kernel shader "${name}"`);
  const generated = params[name];
  if (generated === undefined) throw new Error(`webgpu backend: no generated Params for shader "${name}" (run npm run gen:shaders)`);
  return [
    { file: `wgsl/${name}.wgsl`, text: main },
    { file: `Params of ${name} (generated from host/backends/webgpu/signatures.ts)`, text: generated },
    ...partsOf(main).map((p) => ({ file: `wgsl/${p}.wgsl`, text: sources[p] })),
  ];
}

/** Kernel shader names (every .wgsl except the appended parts). */
export function kernelShaderNames(sources: Readonly<Record<string, string>>): string[] {
  return Object.keys(sources).filter((s) => !PARTS.has(s));
}

/** "file:line" for a line of the concatenated parts (joined with "\n"). */
export function locate(parts: ShaderPart[], line: number): string {
  for (const p of parts) {
    const n = p.text.split('\n').length;
    if (line <= n) return `${p.file}:${line}`;
    line -= n;
  }
  return `${parts[0].file}:?`;
}
