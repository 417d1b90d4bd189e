/// <reference types="@webgpu/types" preserve="true" />
// The WebGPU backend: hand-written WGSL kernels (wgsl/, embedded by scripts/gen-shaders.mjs with their
// generated Params; shaders.ts assembles a module) on one device, one lowering per op (lower/). A bound
// plan owns one arena storage buffer laid out exactly as the executor planned it (plus slots for
// constant tensors that a kernel reads as activations) and one uniform buffer with a 256-byte params
// slot per dispatch; weights are uploaded once per Float32Array and shared by every plan. Running a bound plan (one encoder and one readback per run) is binding.ts. Training:
// weightsChanged() re-uploads every copy of a weight changed in place (its buffer, the buffers derived
// from it, the arena slots of bound plans that read it as an activation).
import type { Backend, BoundPlan } from '../backend.ts';
import type { Plan, PlannedTensor, Step } from '../../executor/plan.ts';
import { ALIGN_FLOATS } from '../../executor/plan.ts';
import type { Ptr } from '../signature.ts';
import { PARAMS, SHADERS } from './shaders.generated.ts';
import { locate, shaderParts } from './shaders.ts';
import { lower, scratchFloats, type Dispatch, type KernelOptions, type Placement, type WeightSource } from './lower/index.ts';
import { acquireDevice, bufferSource, WebGPUError, type AcquiredDevice, type DeviceOptions } from './device.ts';

import { WebGPUBinding, type Call } from './binding.ts';

export { WebGPUError } from './device.ts';
export { WebGPUBinding } from './binding.ts';

// GPUBufferUsage values (spec constants; the globals do not exist in Node without Dawn's).
const COPY_SRC = 0x4, COPY_DST = 0x8, UNIFORM = 0x40, STORAGE = 0x80;
const PARAM_SLOT = 256;

export interface WebGPUOptions extends DeviceOptions, KernelOptions {
  /** Shader sources replacing the embedded ones, by name (tests inject a broken shader this way). */
  shaders?: Record<string, string>;
}

export async function createWebGPUBackend(opts: WebGPUOptions = {}): Promise<WebGPUBackend> {
  return new WebGPUBackend(await acquireDevice(opts), opts);
}

/** A buffer derived from weight arrays (packed scale/shift, affine parameters), remade when one of them changes. */
interface Derived {
  tag: string;
  from: Float32Array[];
  make: () => Float32Array;
  buffer: GPUBuffer;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  readonly fuse = true;
  readonly device: GPUDevice;
  readonly adapterInfo: string;
  /** Whether passes carry timestamp queries (adapter has 'timestamp-query'). */
  readonly timestamps: boolean;
  private lost?: string;
  private disposed = false;
  private readonly lostPromise: Promise<unknown>;
  private readonly sources: Readonly<Record<string, string>>;
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly weightBufs = new WeakMap<Float32Array, GPUBuffer>();
  /** Derived buffers by each array they are made from (looked up by the first, refreshed by any). */
  private readonly derivedBufs = new WeakMap<Float32Array, Derived[]>();
  /** Bound at binding 2 where a kernel reads its weights from the arena (W_ARENA). */
  private placeholder?: GPUBuffer;
  /** Bound plans not yet disposed (weakly: a plan dropped without dispose() is not kept alive here). */
  private readonly bindings = new Set<WeakRef<WebGPUBinding>>();
  private uncaptured: string[] = [];

  constructor(acquired: AcquiredDevice, private readonly opts: WebGPUOptions = {}) {
    this.device = acquired.device;
    this.adapterInfo = acquired.adapterInfo;
    this.timestamps = acquired.timestamps;
    this.sources = { ...SHADERS, ...opts.shaders };
    this.lostPromise = this.device.lost.then((info) => {
      this.lost = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
    this.device.onuncapturederror = (e: GPUUncapturedErrorEvent) => {
      this.uncaptured.push(e.error.message);
    };
  }

  /** Throws the reason the device is unusable, if it is. */
  checkAlive(): void {
    if (this.disposed) throw new WebGPUError('WebGPU backend used after dispose()');
    if (this.lost !== undefined) throw new WebGPUError(`WebGPU device lost (${this.lost})`);
  }

  /** After a failed GPU call: give the device-lost notification a moment to arrive, then check. */
  async settle(): Promise<void> {
    await Promise.race([this.lostPromise, new Promise((r) => setTimeout(r, 100))]);
    this.checkAlive();
  }

  /** Errors reported outside any error scope since the last call. */
  takeUncaptured(): string[] {
    const e = this.uncaptured;
    this.uncaptured = [];
    return e;
  }

  /** Compiles (once) the pipeline for a kernel and its override constants. */
  pipeline(shader: string, overrides: Record<string, number | boolean>): Promise<GPUComputePipeline> {
    const constants: Record<string, number> = {};
    for (const k of Object.keys(overrides).sort()) constants[k] = Number(overrides[k]);
    const key = `${shader} ${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.compile(shader, constants);
      this.pipelines.set(key, p);
    }
    return p;
  }

  private async compile(shader: string, constants: Record<string, number>): Promise<GPUComputePipeline> {
    const parts = shaderParts(shader, this.sources, PARAMS);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: parts.map((p) => p.text).join('\n'), label: parts[0].file });
    const scoped = this.device.popErrorScope();
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error').map((m) => `${locate(parts, m.lineNum)}:${m.linePos}: ${m.message}`);
    const scopeError = await scoped;
    if (!errors.length && scopeError) {
      // Some errors (e.g. constant evaluation) only come through the error scope, as ":line:col error: ...".
      const at = /:(\d+):(\d+) error: ([^\n]*)/.exec(scopeError.message);
      errors.push(at ? `${locate(parts, Number(at[1]))}:${at[2]}: ${at[3]}` : `${parts[0].file}: ${scopeError.message}`);
    }
    if (errors.length) throw new WebGPUError(`WebGPU shader compile error: ${errors.join('; ')}`);
    try {
      return await this.device.createComputePipelineAsync({ label: `${parts[0].file} ${JSON.stringify(constants)}`, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
    } catch (e) {
      await this.settle();
      throw new WebGPUError(`WebGPU pipeline for ${parts[0].file} with ${JSON.stringify(constants)} failed: ${(e as Error).message}`);
    }
  }

  private upload(data: Float32Array, label: string): GPUBuffer {
    const buffer = this.device.createBuffer({ label, size: Math.max(4, roundUp(data.length, 4)) * 4, usage: STORAGE | COPY_DST });
    this.device.queue.writeBuffer(buffer, 0, bufferSource(data));
    return buffer;
  }

  /** The storage buffer of a weight source, uploaded on first use and kept while its data lives. */
  weightBuffer(src: WeightSource): GPUBuffer {
    if ('arena' in src) return (this.placeholder ??= this.upload(new Float32Array(4), 'placeholder'));
    if ('tensor' in src) {
      const data = src.tensor.data!;
      let b = this.weightBufs.get(data);
      if (!b) {
        b = this.upload(data, src.tensor.name);
        this.weightBufs.set(data, b);
      }
      return b;
    }
    const same = (e: Derived) => e.tag === src.derived && e.from.length === src.from.length && e.from.every((f, i) => f === src.from[i]);
    let hit = this.derivedBufs.get(src.from[0])?.find(same);
    if (!hit) {
      hit = { tag: src.derived, from: src.from, make: src.make, buffer: this.upload(src.make(), src.derived) };
      for (const f of new Set(src.from)) {
        let list = this.derivedBufs.get(f);
        if (!list) this.derivedBufs.set(f, (list = []));
        list.push(hit);
      }
    }
    return hit.buffer;
  }

  /**
   * A weight array was changed in place (training): its buffer, the buffers derived from it and the
   * arena slots of every live binding that reads it as an activation get the new values. Work already
   * recorded is submitted first, so it still sees the old values.
   */
  weightsChanged(data: Float32Array): void {
    this.checkAlive();
    const live = this.liveBindings();
    for (const b of live) b.flush();
    const plain = this.weightBufs.get(data);
    if (plain) this.device.queue.writeBuffer(plain, 0, bufferSource(data));
    for (const d of this.derivedBufs.get(data) ?? []) this.device.queue.writeBuffer(d.buffer, 0, bufferSource(d.make()));
    for (const b of live) b.rewriteConstant(data);
  }

  private liveBindings(): WebGPUBinding[] {
    const live: WebGPUBinding[] = [];
    for (const r of this.bindings) {
      const b = r.deref();
      if (b) live.push(b);
      else this.bindings.delete(r);
    }
    return live;
  }

  /** Called by a binding's dispose(). */
  released(b: WebGPUBinding): void {
    for (const r of this.bindings) if (r.deref() === b) this.bindings.delete(r);
  }

  async bind(plan: Plan): Promise<BoundPlan> {
    this.checkAlive();
    // After the plan's activations: one scratch region for the steps that need one (partial sums of
    // split reductions), then the constant tensors that a kernel reads as activations.
    const scratch = Math.max(0, ...plan.steps.map(scratchFloats));
    let top = roundUp(plan.arenaFloats, ALIGN_FLOATS) + roundUp(scratch, ALIGN_FLOATS);
    const constants = new Map<PlannedTensor, number>();
    const off = (t: PlannedTensor): Ptr => {
      if (t.kind !== 'weight') return t.offset as Ptr;
      let o = constants.get(t);
      if (o === undefined) {
        o = top;
        constants.set(t, o);
        top += roundUp(t.length + 4, ALIGN_FLOATS);
      }
      return o as Ptr;
    };
    const at: Placement = { off, scratch: (scratch ? roundUp(plan.arenaFloats, ALIGN_FLOATS) : -1) as Ptr };
    const specs = plan.steps.map((s) => lower(s, at, this.opts));
    const arenaFloats = Math.max(roundUp(top, ALIGN_FLOATS), ALIGN_FLOATS);
    const maxBytes = this.device.limits.maxStorageBufferBindingSize;
    if (arenaFloats * 4 > maxBytes) throw new WebGPUError(`WebGPU: the plan needs a ${arenaFloats * 4}-byte arena, more than this device's ${maxBytes}-byte storage binding limit (use a smaller batch)`);

    const pipelines = await Promise.all(specs.flat().map((k) => this.pipeline(k.shader, k.overrides)));
    this.checkAlive();
    const arena = this.device.createBuffer({ label: 'arena', size: arenaFloats * 4, usage: STORAGE | COPY_SRC | COPY_DST });
    for (const [t, o] of constants) this.device.queue.writeBuffer(arena, o * 4, bufferSource(t.data!));
    const nCalls = Math.max(1, pipelines.length);
    const params = this.device.createBuffer({ label: 'params', size: nCalls * PARAM_SLOT, usage: UNIFORM | COPY_DST });
    const bytes = new ArrayBuffer(nCalls * PARAM_SLOT);
    const calls = new Map<Step, Call[]>();
    let i = 0;
    plan.steps.forEach((step, si) => {
      calls.set(step, specs[si].map((k) => {
        new Int32Array(bytes, i * PARAM_SLOT, k.params.length).set(k.params);
        const call = { pipeline: pipelines[i], bindGroup: this.bindGroup(pipelines[i], k, params, i * PARAM_SLOT, arena), groups: k.groups };
        i++;
        return call;
      }));
    });
    this.device.queue.writeBuffer(params, 0, bytes);
    const binding = new WebGPUBinding(this, arena, params, calls, constants);
    this.bindings.add(new WeakRef(binding));
    return binding;
  }

  private bindGroup(pipeline: GPUComputePipeline, k: Dispatch, params: GPUBuffer, offset: number, arena: GPUBuffer): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: params, offset, size: PARAM_SLOT } },
      { binding: 1, resource: { buffer: arena } },
    ];
    if (k.weights) entries.push({ binding: 2, resource: { buffer: this.weightBuffer(k.weights) } });
    if (k.scaleShift) entries.push({ binding: 8, resource: { buffer: this.weightBuffer(k.scaleShift) } });
    return this.device.createBindGroup({ label: k.shader, layout: pipeline.getBindGroupLayout(0), entries });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.device.destroy();
  }
}
