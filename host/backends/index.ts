// Backend selection by name. Backends that a build lacks are refused with the list of those it has.
// `fallback` names a backend to use when the requested one cannot start (no adapter, no driver),
// cannot bind a plan (shader error) or fails during a run (device lost mid-run: the call is re-run on
// the fallback, see fallback.ts); the switch is reported once through `onFallback`.
import type { Backend } from './backend.ts';
import { RefBackend } from './ref/index.ts';
import { FallbackBackend } from './fallback.ts';
import type { WebGPUOptions } from './webgpu/index.ts';
import type { WasmOptions } from './wasm/index.ts';

export type BackendName = 'ref' | 'wasm' | 'webgpu';

export interface BackendOptions {
  /** Backend to use instead when this one fails to start, to bind a plan or during a run (e.g. 'wasm'). */
  fallback?: BackendName;
  /** Told when the fallback is taken (default: console.warn). */
  onFallback?: (error: Error, fallback: BackendName) => void;
  /** Options for the WebGPU backend (device, Dawn flags, conv kernel). */
  webgpu?: WebGPUOptions;
  /** Options for the WebAssembly backend (threads, kernel URLs or bytes). */
  wasm?: WasmOptions;
}

const factories: Partial<Record<BackendName, (o: BackendOptions) => Backend | Promise<Backend>>> = {
  ref: () => new RefBackend(),
  // Imported lazily so that a ref-only user never loads the kernel module.
  wasm: async (o) => (await import('./wasm/index.ts')).WasmBackend.create(o.wasm),
  // Loaded lazily so that the reference and wasm paths never load WebGPU code or Dawn.
  webgpu: async (o) => (await import('./webgpu/index.ts')).createWebGPUBackend(o.webgpu),
};

export function availableBackends(): BackendName[] {
  return Object.keys(factories) as BackendName[];
}

export async function createBackend(name: string, options: BackendOptions = {}): Promise<Backend> {
  const make = factories[name as BackendName];
  if (!make) throw new Error(`backend "${name}" is not available in this build (available: ${availableBackends().join(', ')})`);
  const { fallback } = options;
  if (!fallback || fallback === name) return make(options);
  const report = options.onFallback ?? ((e: Error, f: BackendName) => console.warn(`facecodec: backend "${name}" failed (${e.message}); using "${f}"`));
  const useFallback = async (e: Error) => {
    report(e, fallback);
    return createBackend(fallback, { ...options, fallback: undefined });
  };
  let primary: Backend;
  try {
    primary = await make(options);
  } catch (e) {
    return useFallback(e as Error);
  }
  return new FallbackBackend(primary, useFallback);
}

/** The backend doing the work: for one made with a fallback, the primary or (after it failed) the fallback. */
export function activeBackend(backend: Backend): Backend {
  return backend instanceof FallbackBackend ? backend.active : backend;
}

export type { Backend, BoundPlan } from './backend.ts';
