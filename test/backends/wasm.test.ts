// Every op on the WebAssembly backend against the reference: single-threaded, and with 2 threads
// (where the work splits across workers).
import { WasmBackend } from '../../host/backends/wasm/index.ts';
import { backendSuite } from './harness.ts';

backendSuite('wasm 1 thread', () => WasmBackend.create({ threads: 1 }), { tolerance: 1e-7 });
backendSuite('wasm 2 threads', () => WasmBackend.create({ threads: 2, minParallelCost: 0 }), { tolerance: 1e-7 });
