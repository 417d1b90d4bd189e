// Finding, choosing and compiling the kernel module. Four builds of kernels/ (asconfig.json):
// {plain SIMD, relaxed SIMD} x {shared memory (threads), unshared (single thread)}. Relaxed SIMD is
// chosen when the engine validates it; on Node 20 it sits behind a V8 flag that we may switch on at
// run time (never required: the plain build always works).
import { assetUrl } from '../../format/assets.ts';
import { importNode } from '../../format/node-import.ts';

export type KernelBuild = 'simd' | 'relaxed' | 'simd-st' | 'relaxed-st';

/**
 * A kernel build: bytes, a URL or path, or an already compiled module (where the host compiles wasm for
 * you and forbids compiling bytes at run time, as Cloudflare Workers do with a module import of a .wasm).
 */
export type WasmSource = Uint8Array | ArrayBuffer | URL | string | WebAssembly.Module;

/** Where the .wasm files live by default: kernels/dist/ of this package. */
export function defaultWasmUrl(build: KernelBuild): URL {
  return assetUrl(`kernels/dist/kernels-${build}.wasm`);
}

// (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 133, 2, 11,
]);

export function hasRelaxedSimd(): boolean {
  return WebAssembly.validate(RELAXED_PROBE);
}

/** On Node, switch on V8's relaxed-SIMD flag if the engine lacks it by default. Returns support after. */
export async function enableRelaxedSimd(): Promise<boolean> {
  if (hasRelaxedSimd()) return true;
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  try {
    const v8 = await importNode<typeof import('node:v8')>('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return hasRelaxedSimd();
}

export function hasThreads(): boolean {
  try {
    if (typeof SharedArrayBuffer === 'undefined') return false;
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

export async function compileKernels(src: WasmSource): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  const { readSource } = await import('../../format/source.ts');
  return WebAssembly.compile((await readSource(src)) as Uint8Array<ArrayBuffer>);
}
