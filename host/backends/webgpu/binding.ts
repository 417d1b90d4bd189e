/// <reference types="@webgpu/types" preserve="true" />
// A plan bound on the WebGPU backend (index.ts): its arena and params buffers and the recorded calls of
// each step. dispatch() records into one compute pass of one command encoder; read() ends the pass,
// copies the tensor to a staging buffer, submits and maps (one submit per readback); write() submits
// what is pending first, so queue writes land in plan order. Validation errors of a run come back from
// its error scopes at the next read().
import type { BoundPlan } from '../backend.ts';
import type { PlannedTensor, Step } from '../../executor/plan.ts';
import { bufferSource, WebGPUError } from './device.ts';
import type { WebGPUBackend } from './index.ts';

// GPUBufferUsage / GPUMapMode values (spec constants; the globals do not exist in Node without Dawn's).
const MAP_READ = 0x1, COPY_SRC = 0x4, COPY_DST = 0x8, QUERY_RESOLVE = 0x200;

/** One recorded dispatch of a step. */
export interface Call {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
}

export class WebGPUBinding implements BoundPlan {
  private encoder?: GPUCommandEncoder;
  private pass?: GPUComputePassEncoder;
  private scopes: Array<Promise<GPUError | null>> = [];
  private readonly query?: { set: GPUQuerySet; resolve: GPUBuffer };
  private gpuNs: Array<Promise<number>> = [];
  private timingBufs: GPUBuffer[] = [];

  /** `constants`: arena slots (float offsets) of the weight tensors the kernels read as activations. */
  constructor(private readonly backend: WebGPUBackend, readonly arena: GPUBuffer, private readonly params: GPUBuffer, private readonly calls: Map<Step, Call[]>, private readonly constants: Map<PlannedTensor, number>) {
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

  /** Submits what is recorded (before a weight this binding reads changes). */
  flush(): void {
    this.submit();
  }

  /** Copies a weight array changed in place into the arena slots of the tensors it backs. */
  rewriteConstant(data: Float32Array): void {
    for (const [t, o] of this.constants) if (t.data === data) this.backend.device.queue.writeBuffer(this.arena, o * 4, bufferSource(data));
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
    this.backend.released(this);
    this.pass = undefined;
    this.encoder = undefined;
    this.arena.destroy();
    this.params.destroy();
    this.query?.set.destroy();
    this.query?.resolve.destroy();
  }
}
