/// <reference types="@webgpu/types" preserve="true" />
// The WebGPU backend: hand-written WGSL kernels (wgsl/, embedded by scripts/gen-shaders.mjs) on one
// device. A bound plan owns one arena storage buffer laid out exactly as the executor planned it (plus
// slots for constant tensors that a kernel reads as activations) and one uniform buffer with a
// 256-byte params slot per dispatch; weights are uploaded once per Float32Array and shared by every
// plan. dispatch() only records into the current command encoder's compute pass; read() ends the pass,
// appends the copy to a staging buffer, submits once and maps: one encoder and one readback per run.
// write() submits what is pending first, so queue writes land in plan order.
import type { Backend, BoundPlan } from '../backend.ts';
import type { Plan, PlannedTensor, Step } from '../../executor/plan.ts';
import { ALIGN_FLOATS } from '../../executor/plan.ts';
import { SHADERS } from './shaders.generated.ts';
import { kernelsFor, shaderParts, type KernelOptions, type KernelSpec, type Param, type WeightSource } from './kernels.ts';
import { acquireDevice, WebGPUError, type AcquiredDevice, type DeviceOptions } from './device.ts';

export { WebGPUError } from './device.ts';

// GPUBufferUsage / GPUMapMode values (spec constants; the globals do not exist in Node without Dawn's).
const MAP_READ = 0x1, COPY_SRC = 0x4, COPY_DST = 0x8, UNIFORM = 0x40, STORAGE = 0x80, QUERY_RESOLVE = 0x200;
const PARAM_SLOT = 256;

export interface WebGPUOptions extends DeviceOptions, KernelOptions {
  /** Shader sources replacing the embedded ones, by name (tests inject a broken shader this way). */
  shaders?: Record<string, string>;
}

export async function createWebGPUBackend(opts: WebGPUOptions = {}): Promise<WebGPUBackend> {
  return new WebGPUBackend(await acquireDevice(opts), opts);
}

interface Call {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
}

/** Typed arrays here are never on SharedArrayBuffers; the WebGPU typings want that said. */
const bufferSource = (d: Float32Array) => d as Float32Array<ArrayBuffer>;
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
  private readonly derivedBufs = new WeakMap<Float32Array, Array<{ tag: string; rest: Float32Array[]; buffer: GPUBuffer }>>();
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
    const parts = shaderParts(shader, this.sources);
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
    if ('tensor' in src) {
      const data = src.tensor.data!;
      let b = this.weightBufs.get(data);
      if (!b) {
        b = this.upload(data, src.tensor.name);
        this.weightBufs.set(data, b);
      }
      return b;
    }
    const [first, ...rest] = src.from;
    let list = this.derivedBufs.get(first);
    if (!list) this.derivedBufs.set(first, (list = []));
    let hit = list.find((e) => e.tag === src.derived && e.rest.length === rest.length && e.rest.every((r, i) => r === rest[i]));
    if (!hit) {
      hit = { tag: src.derived, rest, buffer: this.upload(src.make(), src.derived) };
      list.push(hit);
    }
    return hit.buffer;
  }

  async bind(plan: Plan): Promise<BoundPlan> {
    this.checkAlive();
    // Constant tensors that a kernel reads as activations get arena slots after the plan's activations.
    let top = plan.arenaFloats;
    const constants = new Map<PlannedTensor, number>();
    const off = (t: PlannedTensor): number => {
      if (t.kind !== 'weight') return t.offset;
      let o = constants.get(t);
      if (o === undefined) {
        o = top;
        constants.set(t, o);
        top += roundUp(t.length + 4, ALIGN_FLOATS);
      }
      return o;
    };
    const specs = plan.steps.map((s) => kernelsFor(s, off, this.opts));
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
        writeParams(new DataView(bytes, i * PARAM_SLOT, PARAM_SLOT), k.params);
        const call = { pipeline: pipelines[i], bindGroup: this.bindGroup(pipelines[i], k, params, i * PARAM_SLOT, arena), groups: k.groups };
        i++;
        return call;
      }));
    });
    this.device.queue.writeBuffer(params, 0, bytes);
    return new WebGPUBinding(this, arena, params, calls);
  }

  private bindGroup(pipeline: GPUComputePipeline, k: KernelSpec, params: GPUBuffer, offset: number, arena: GPUBuffer): GPUBindGroup {
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

/** "wgsl/file.wgsl:line" for a line of the concatenated source. */
function locate(parts: Array<{ file: string; text: string }>, line: number): string {
  for (const p of parts) {
    const n = p.text.split('\n').length;
    if (line <= n) return `${p.file}:${line}`;
    line -= n;
  }
  return `${parts[0].file}:?`;
}

function writeParams(view: DataView, params: Param[]): void {
  if (params.length * 4 > view.byteLength) throw new Error(`webgpu backend: ${params.length} params exceed the ${view.byteLength}-byte slot`);
  params.forEach((p, i) => {
    if (typeof p === 'number') view.setUint32(i * 4, p, true);
    else if ('i' in p) view.setInt32(i * 4, p.i, true);
    else view.setFloat32(i * 4, p.f, true);
  });
}

export class WebGPUBinding implements BoundPlan {
  private encoder?: GPUCommandEncoder;
  private pass?: GPUComputePassEncoder;
  private scopes: Array<Promise<GPUError | null>> = [];
  private readonly query?: { set: GPUQuerySet; resolve: GPUBuffer };
  private gpuNs: Array<Promise<number>> = [];
  private timingBufs: GPUBuffer[] = [];

  constructor(private readonly backend: WebGPUBackend, readonly arena: GPUBuffer, private readonly params: GPUBuffer, private readonly calls: Map<Step, Call[]>) {
    const device = backend.device;
    if (backend.timestamps) {
      this.query = {
        set: device.createQuerySet({ type: 'timestamp', count: 2 }),
        resolve: device.createBuffer({ size: 16, usage: QUERY_RESOLVE | COPY_SRC }),
      };
    }
  }

  write(t: PlannedTensor, data: Float32Array): void {
    this.backend.checkAlive();
    if (t.kind === 'weight') throw new Error(`webgpu backend: cannot write weight "${t.name}"`);
    if (data.length !== t.length) throw new Error(`webgpu backend: ${data.length} values for "${t.name}" of length ${t.length}`);
    this.submit(); // earlier dispatches must run before this write lands
    this.backend.device.queue.writeBuffer(this.arena, t.offset * 4, bufferSource(data));
  }

  dispatch(step: Step): void {
    this.backend.checkAlive();
    const calls = this.calls.get(step);
    if (!calls) throw new Error(`webgpu backend: step ${step.nodeIndex} (${step.op.name}) is not part of the bound plan`);
    if (!this.pass) {
      const enc = this.openEncoder();
      this.pass = enc.beginComputePass(this.query ? { timestampWrites: { querySet: this.query.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined);
    }
    for (const c of calls) {
      this.pass.setPipeline(c.pipeline);
      this.pass.setBindGroup(0, c.bindGroup);
      this.pass.dispatchWorkgroups(c.groups[0], c.groups[1], c.groups[2]);
    }
  }

  private openEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.backend.device.pushErrorScope('validation');
      this.encoder = this.backend.device.createCommandEncoder();
    }
    return this.encoder;
  }

  /** Ends the compute pass, if one is open, resolving its timestamps into a buffer mapped after submit. */
  private endPass(): void {
    if (!this.pass) return;
    this.pass.end();
    this.pass = undefined;
    if (this.query) {
      const timing = this.backend.device.createBuffer({ size: 16, usage: MAP_READ | COPY_DST });
      this.encoder!.resolveQuerySet(this.query.set, 0, 2, this.query.resolve, 0);
      this.encoder!.copyBufferToBuffer(this.query.resolve, 0, timing, 0, 16);
      this.timingBufs.push(timing);
    }
  }

  /** Ends the pass and submits the encoder, if any. */
  private submit(): void {
    if (!this.encoder) return;
    this.endPass();
    this.backend.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.scopes.push(this.backend.device.popErrorScope());
    for (const t of this.timingBufs) {
      this.gpuNs.push(t.mapAsync(MAP_READ).then(() => {
        const [a, b] = new BigUint64Array(t.getMappedRange());
        t.destroy();
        return Number(b - a);
      }, () => 0));
    }
    this.timingBufs = [];
  }

  async read(t: PlannedTensor): Promise<Float32Array> {
    this.backend.checkAlive();
    if (t.kind === 'weight') return t.data!.slice();
    const device = this.backend.device;
    const bytes = t.length * 4;
    const staging = device.createBuffer({ label: `read ${t.name}`, size: bytes, usage: MAP_READ | COPY_DST });
    const enc = this.openEncoder();
    this.endPass(); // the copy follows the dispatches of this run in the same encoder
    enc.copyBufferToBuffer(this.arena, t.offset * 4, staging, 0, bytes);
    this.submit();
    try {
      await staging.mapAsync(MAP_READ);
    } catch (e) {
      staging.destroy();
      await this.backend.settle();
      throw new WebGPUError(`WebGPU readback of "${t.name}" failed: ${(e as Error).message}`);
    }
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    await this.checkErrors();
    return out;
  }

  private async checkErrors(): Promise<void> {
    const errs = (await Promise.all(this.scopes)).filter((e): e is GPUError => e !== null).map((e) => e.message);
    this.scopes = [];
    errs.push(...this.backend.takeUncaptured());
    if (errs.length) {
      await this.backend.settle();
      throw new WebGPUError(`WebGPU validation error: ${errs.join('; ')}`);
    }
  }

  /**
   * GPU time in ms of the compute passes submitted since the last call (timestamp queries), or
   * undefined where the adapter has no 'timestamp-query'.
   */
  async gpuTimeMs(): Promise<number | undefined> {
    if (!this.query) return undefined;
    const ns = await Promise.all(this.gpuNs);
    this.gpuNs = [];
    return ns.reduce((a, b) => a + b, 0) / 1e6;
  }

  dispose(): void {
    this.pass = undefined;
    this.encoder = undefined;
    this.arena.destroy();
    this.params.destroy();
    this.query?.set.destroy();
    this.query?.resolve.destroy();
  }
}
