// Backend selection by name. Backends that a build lacks are refused with the list of those it has.
import type { Backend } from './backend.ts';
import { RefBackend } from './ref/index.ts';

export type BackendName = 'ref' | 'wasm' | 'webgpu';

const factories: Partial<Record<BackendName, () => Backend | Promise<Backend>>> = {
  ref: () => new RefBackend(),
  // Imported lazily so that a ref-only user never loads the kernel module.
  wasm: async () => (await import('./wasm/index.ts')).WasmBackend.create(),
};

export function availableBackends(): BackendName[] {
  return Object.keys(factories) as BackendName[];
}

export async function createBackend(name: string): Promise<Backend> {
  const make = factories[name as BackendName];
  if (!make) throw new Error(`backend "${name}" is not available in this build (available: ${availableBackends().join(', ')})`);
  return make();
}

export type { Backend, BoundPlan } from './backend.ts';
