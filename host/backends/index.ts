// Backend selection by name. Backends that a build lacks are refused with the list of those it has.
// `fallback` names a backend to use when the requested one cannot start (no adapter, no driver) or
// cannot bind a plan (device lost, shader error); the switch is reported through `onFallback`.
import type { Backend } from './backend.ts';
import type { Plan } from '../executor/plan.ts';
import { RefBackend } from './ref/index.ts';
import type { WebGPUOptions } from './webgpu/index.ts';
import type { WasmOptions } from './wasm/index.ts';

export type BackendName = 'ref' | 'wasm' | 'webgpu';

export interface BackendOptions {
  /** Backend to use instead when this one fails to start or to bind a plan (e.g. 'wasm'). */
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

/** A backend that binds on `primary` and, the first time that fails, on the fallback from then on. */
class FallbackBackend implements Backend {
  private current: Backend;
  private switching?: Promise<Backend>;

  constructor(primary: Backend, private readonly makeFallback: (e: Error) => Promise<Backend>) {
    this.current = primary;
  }

  get name(): string {
    return this.current.name;
  }

  /** The backend that runs now: the primary until a bind failed, the fallback after. */
  get active(): Backend {
    return this.current;
  }

  get fuse(): boolean | undefined {
    return this.current.fuse;
  }

  async bind(plan: Plan) {
    const backend = this.current;
    try {
      return await backend.bind(plan);
    } catch (e) {
      if (!this.switching) {
        this.switching = this.makeFallback(e as Error);
        (backend as { dispose?: () => void }).dispose?.();
      }
      this.current = await this.switching;
      return this.current.bind(plan);
    }
  }

  dispose(): void {
    (this.current as { dispose?: () => void }).dispose?.();
  }
}

export type { Backend, BoundPlan } from './backend.ts';
