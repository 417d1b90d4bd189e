/// <reference types="@webgpu/types" preserve="true" />
// Device acquisition: navigator.gpu in browsers and Deno; in Node the optional npm package `webgpu`
// (Dawn). Every failure is a WebGPUError that says what to do about it.

export class WebGPUError extends Error {
  override name = 'WebGPUError';
}

/** Typed arrays here are never on SharedArrayBuffers; the WebGPU typings want that said. */
export const bufferSource = (d: Float32Array) => d as Float32Array<ArrayBuffer>;

export interface DeviceOptions {
  /** A GPU object to use instead of navigator.gpu or Dawn (e.g. one made with create(['backend=null'])). */
  gpu?: GPU;
  /** Options for Dawn's create() in Node, e.g. ['backend=vulkan'] (default []). */
  dawn?: string[];
  powerPreference?: GPUPowerPreference;
  /** Request 'timestamp-query' when the adapter has it (default true). */
  timestamps?: boolean;
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapterInfo: string;
  timestamps: boolean;
}

const DRIVER_HINT = 'on Linux without a GPU, set up a software Vulkan driver: bash scripts/setup-vulkan.sh && source build/vulkan/env.sh';
const BROWSER_HINT = 'the browser offers none: no usable GPU, or WebGPU is switched off (see chrome://gpu)';

const dawnGpus = new Map<string, Promise<GPU>>();

/** navigator.gpu, or Dawn's GPU object in Node (cached per option set). */
export async function getGpu(opts: DeviceOptions = {}): Promise<GPU> {
  if (opts.gpu) return opts.gpu;
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) throw new WebGPUError('WebGPU is not available here: navigator.gpu is missing');
  const key = JSON.stringify(opts.dawn ?? []);
  let gpu = dawnGpus.get(key);
  if (!gpu) {
    gpu = (async () => {
      let mod: { create: (options: string[]) => GPU };
      try {
        const name = 'webgpu';
        mod = (await import(/* @vite-ignore */ name)) as typeof mod;
      } catch (e) {
        throw new WebGPUError(`WebGPU is not available in Node: the optional package "webgpu" (Dawn) could not be loaded (${(e as Error).message}); install it with npm install webgpu`);
      }
      return mod.create(opts.dawn ?? []);
    })();
    dawnGpus.set(key, gpu);
    gpu.catch(() => dawnGpus.delete(key));
  }
  return gpu;
}

export async function acquireDevice(opts: DeviceOptions = {}): Promise<AcquiredDevice> {
  const gpu = await getGpu(opts);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(opts.powerPreference ? { powerPreference: opts.powerPreference } : undefined);
  } catch (e) {
    throw new WebGPUError(`WebGPU requestAdapter failed: ${(e as Error).message}`);
  }
  if (!adapter) {
    const inNode = typeof process !== 'undefined' && !!process.versions?.node;
    throw new WebGPUError(`no WebGPU adapter found (${inNode ? DRIVER_HINT : BROWSER_HINT})`);
  }
  const timestamps = (opts.timestamps ?? true) && adapter.features.has('timestamp-query');
  const lim = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures: timestamps ? ['timestamp-query'] : [],
      requiredLimits: { maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize },
    });
  } catch (e) {
    throw new WebGPUError(`WebGPU requestDevice failed: ${(e as Error).message}`);
  }
  const info = adapter.info;
  const adapterInfo = [info?.vendor, info?.architecture, info?.description || info?.device].filter(Boolean).join(' / ') || 'unknown adapter';
  return { device, adapterInfo, timestamps };
}
