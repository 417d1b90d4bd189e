// Linear-memory layout of the wasm backend:
//   [0, 256)        reserved: address 0 means "no tensor" (e.g. no residual)
//   [256, 512)      thread control block (Int32: generation, done count, kernel, args, ranges)
//   [512, 1024)     kernel arguments (one job at a time)
//   [1024, 64 KiB)  the kernel module's static data
//   [64 KiB, ...)   heap: packed weights (kept per backend), one arena per bound plan
export const CTRL_PTR = 256;
export const ARGS_PTR = 512;
export const ARG_SLOTS = 64;
export const HEAP_BASE = 65536;
const PAGE = 65536;
/** Bytes left readable after the last allocation: vector tails may read (never write) a little past a tensor. */
const SLACK = 64;

export class LinearMemory {
  private free: Array<{ ptr: number; bytes: number }> = [];
  private top = HEAP_BASE;

  constructor(readonly memory: WebAssembly.Memory) {}

  /** 64-byte aligned block of at least `bytes`: the best-fitting free block, else new space at the top. */
  alloc(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / 64) * 64;
    let i = -1; // best fit: the smallest free block that holds it (keeps large blocks for large arenas)
    this.free.forEach((b, k) => {
      if (b.bytes >= size && (i < 0 || b.bytes < this.free[i].bytes)) i = k;
    });
    if (i >= 0) {
      const b = this.free[i];
      const ptr = b.ptr;
      if (b.bytes === size) this.free.splice(i, 1);
      else {
        b.ptr += size;
        b.bytes -= size;
      }
      return ptr;
    }
    const ptr = this.top;
    this.top += size;
    const need = this.top + SLACK - this.memory.buffer.byteLength;
    if (need > 0) {
      try {
        this.memory.grow(Math.ceil(need / PAGE));
      } catch {
        throw new Error(`wasm backend: out of memory growing to ${this.top + SLACK} bytes`);
      }
    }
    return ptr;
  }

  /** Returns a block: merged with free neighbours, and given back to the top when it ends there. */
  release(ptr: number, bytes: number): void {
    let block = { ptr, bytes: Math.ceil(Math.max(bytes, 1) / 64) * 64 };
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i];
      if (b.ptr + b.bytes === block.ptr || block.ptr + block.bytes === b.ptr) {
        block = { ptr: Math.min(b.ptr, block.ptr), bytes: b.bytes + block.bytes };
        this.free.splice(i, 1);
      }
    }
    if (block.ptr + block.bytes === this.top) this.top = block.ptr;
    else {
      const at = this.free.findIndex((b) => b.ptr > block.ptr);
      this.free.splice(at < 0 ? this.free.length : at, 0, block);
    }
  }

  /** End of the highest block in use (the heap's high-water mark is memory.buffer.byteLength). */
  get used(): number {
    return this.top;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }
}
