// The WebAssembly SIMD backend: AssemblyScript kernels (kernels/) on one linear memory, threads that
// share it, fused epilogues. Weights are copied in once per backend (channel-padded where kernels want
// vectors); each bound plan owns one arena laid out by the executor's plan.
import type { Backend, BoundPlan } from '../backend.ts';
import type { Plan, PlannedTensor, Step } from '../../executor/plan.ts';
import { ARGS_PTR, ARG_SLOTS, LinearMemory } from './memory.ts';
import { compileKernels, defaultWasmUrl, enableRelaxedSimd, hasThreads, type KernelBuild, type WasmSource } from './module.ts';
import { lower, type Addresses, type ConvKernelChoice, type Job, type LowerOptions } from './lower/index.ts';
import { KERNELS, type WasmKernel } from './signatures.ts';
import type { Ptr } from '../signature.ts';
import { ThreadPool } from './threads.ts';

export interface WasmOptions {
  /** Threads including the caller's (default: 2, or 1 where shared memory is unavailable). */
  threads?: number;
  /** Use relaxed SIMD (fused multiply-add) when the engine has it (default true; on Node, switched on by flag). */
  relaxed?: boolean;
  /** Kernel modules by build, as bytes or URL (default: kernels/dist/ next to this package). */
  wasm?: Partial<Record<KernelBuild, WasmSource>>;
  /** Force one conv2d micro-kernel (benchmarks). */
  convKernel?: ConvKernelChoice;
  /** Jobs cheaper than this many multiply-adds run on one thread (waking workers costs ~10 us). */
  minParallelCost?: number;
}

/** Bytes of [..., C] padded to [..., ceil(C/4)*4] floats. */
const packedBytes = (data: Float32Array, c: number) => (data.length / c) * Math.ceil(c / 4) * 4 * 4;
const align64 = (bytes: number) => Math.ceil(bytes / 64) * 64;
/** Kernel name -> index in KERNELS (the id the thread control block carries). */
const KERNEL_ID = Object.fromEntries(KERNELS.map((k, i) => [k, i])) as Record<WasmKernel, number>;

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly fuse = true;
  private packedCache = new WeakMap<Float32Array, Map<number, number>>();
  private rawCache = new WeakMap<Float32Array, number>();
  private fns: Array<(a: number, s: number, e: number) => void>;
  private readonly lowerOptions: LowerOptions;

  private constructor(
    readonly build: KernelBuild,
    readonly threads: number,
    private mem: LinearMemory,
    instance: WebAssembly.Instance,
    private pool: ThreadPool | undefined,
    private options: WasmOptions,
  ) {
    this.lowerOptions = { convKernel: options.convKernel ?? 'auto' };
    this.fns = KERNELS.map((k) => {
      const f = instance.exports[k];
      if (typeof f !== 'function') throw new Error(`wasm backend: kernel module lacks export "${k}" (stale kernels/dist? run npm run build:kernels)`);
      return f as (a: number, s: number, e: number) => void;
    });
  }

  static async create(options: WasmOptions = {}): Promise<WasmBackend> {
    const wantThreads = Math.max(1, Math.floor(options.threads ?? 2));
    const threads = hasThreads() ? wantThreads : 1;
    const relaxed = (options.relaxed ?? true) && (await enableRelaxedSimd());
    const build: KernelBuild = `${relaxed ? 'relaxed' : 'simd'}${threads > 1 ? '' : '-st'}` as KernelBuild;
    const module = await compileKernels(options.wasm?.[build] ?? defaultWasmUrl(build));
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: threads > 1 } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const pool = threads > 1 ? await ThreadPool.start(module, memory, threads, KERNELS) : undefined;
    return new WasmBackend(build, threads, new LinearMemory(memory), instance, pool, options);
  }

  /** Raw weights copied once. */
  private weightPtr(data: Float32Array): number {
    let p = this.rawCache.get(data);
    if (p === undefined) {
      p = this.mem.alloc(data.length * 4);
      this.mem.f32(p, data.length).set(data);
      this.rawCache.set(data, p);
    }
    return p;
  }

  /** [..., C] padded to [..., C4] with zeros, copied once per (data, C): model weights, kept for the backend's life. */
  private packedPtr(data: Float32Array, c: number): number {
    let byDim = this.packedCache.get(data);
    if (!byDim) this.packedCache.set(data, (byDim = new Map()));
    let p = byDim.get(c);
    if (p === undefined) byDim.set(c, (p = this.packInto(this.mem.alloc(packedBytes(data, c)), data, c)));
    return p;
  }

  private packInto(p: number, data: Float32Array, c: number): number {
    const c4 = Math.ceil(c / 4) * 4, rows = data.length / c;
    const dst = this.mem.f32(p, rows * c4);
    dst.fill(0);
    for (let r = 0; r < rows; r++) dst.set(data.subarray(r * c, (r + 1) * c), r * c4);
    return p;
  }

  /** What a binding owns besides its arena: packed plan constants (bytes) and the longest zero row (floats). */
  private planOwned(plan: Plan, modelArrays: Set<Float32Array>): { constBytes: number; zeroFloats: number } {
    let constBytes = 0, zeroFloats = 0;
    const seen = new Set<Float32Array>();
    const none = 0 as Ptr;
    const sizing: Addresses = {
      ptr: () => none,
      packed: (d, c) => {
        if (!modelArrays.has(d) && !seen.has(d)) {
          seen.add(d);
          constBytes += align64(packedBytes(d, c));
        }
        return none;
      },
      zeros: (n) => ((zeroFloats = Math.max(zeroFloats, n)), none),
    };
    for (const step of plan.steps) lower(step, sizing, this.lowerOptions);
    return { constBytes, zeroFloats };
  }

  /** Bytes of wasm linear memory (it only grows; flat over many plans when arenas and plan constants are reused). */
  get memoryBytes(): number {
    return this.mem.memory.buffer.byteLength;
  }

  bind(plan: Plan): BoundPlan {
    const mem = this.mem;
    // Model weights are packed once per backend; constants the plan made (fused epilogue scale/shift,
    // identity vectors) are new arrays per plan. Those and the zero row live in one block with the
    // arena, sized by a first lowering pass, so a binding is one allocation, freed whole on dispose.
    const modelArrays = new Set([...plan.model.weights.values()].map((w) => w.data));
    const { constBytes, zeroFloats } = this.planOwned(plan, modelArrays);
    const arenaBytes = align64(plan.arenaFloats * 4);
    const blockBytes = arenaBytes + constBytes + align64(zeroFloats * 4);
    const arena = mem.alloc(blockBytes);
    const zeroPtr = arena + arenaBytes + constBytes;
    mem.f32(zeroPtr, zeroFloats).fill(0);
    let cursor = arena + arenaBytes;
    const planPacked = new Map<Float32Array, number>();
    const packPlanConstant = (d: Float32Array, c: number) => {
      let p = planPacked.get(d);
      if (p === undefined) {
        planPacked.set(d, (p = this.packInto(cursor, d, c)));
        cursor += align64(packedBytes(d, c));
      }
      return p;
    };
    const addr: Addresses = {
      ptr: (t: PlannedTensor) => (t.kind === 'weight' ? this.weightPtr(t.data!) : arena + t.offset * 4) as Ptr,
      packed: (d, c) => (modelArrays.has(d) ? this.packedPtr(d, c) : packPlanConstant(d, c)) as Ptr,
      zeros: (n) => {
        if (n > zeroFloats) throw new Error(`wasm backend: zero row of ${n} floats not sized (${zeroFloats})`);
        return zeroPtr as Ptr;
      },
    };
    const jobs = new Map<Step, Job[]>();
    for (const step of plan.steps) jobs.set(step, lower(step, addr, this.lowerOptions));
    const minCost = this.options.minParallelCost ?? 50_000;
    let args = new Int32Array(mem.memory.buffer, ARGS_PTR, ARG_SLOTS);
    const run = (job: Job) => {
      if (args.buffer !== mem.memory.buffer) args = new Int32Array(mem.memory.buffer, ARGS_PTR, ARG_SLOTS); // memory grew
      args.set(job.slots);
      const k = KERNEL_ID[job.kernel];
      const fn = this.fns[k];
      if (this.pool && job.cost >= minCost && job.units > 1) this.pool.run(k, ARGS_PTR, job.units, fn);
      else fn(ARGS_PTR, 0, job.units);
    };
    let disposed = false;
    const check = () => {
      if (disposed) throw new Error('wasm backend: bound plan used after dispose()');
    };
    return {
      write: (t, data) => {
        check();
        mem.f32(arena + t.offset * 4, t.length).set(data);
      },
      dispatch: (step) => {
        check();
        const js = jobs.get(step);
        if (!js) throw new Error('wasm backend: step does not belong to the bound plan');
        for (const j of js) run(j);
      },
      read: async (t) => {
        check();
        return mem.f32(arena + t.offset * 4, t.length).slice();
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        mem.release(arena, blockBytes);
      },
    };
  }

  /** Re-copies a weight array changed in place (training) into every cached copy of it. */
  weightsChanged(data: Float32Array): void {
    const raw = this.rawCache.get(data);
    if (raw !== undefined) this.mem.f32(raw, data.length).set(data);
    for (const [c, p] of this.packedCache.get(data) ?? []) {
      const c4 = Math.ceil(c / 4) * 4;
      const dst = this.mem.f32(p, (data.length / c) * c4);
      for (let r = 0; r < data.length / c; r++) dst.set(data.subarray(r * c, (r + 1) * c), r * c4);
    }
  }

  /** Stops the worker threads. */
  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
  }
}
