// onnxruntime-web's wasm backend (MLAS) as a benchmark competitor: one ONNX Conv node, built in memory.
// In Node, 'onnxruntime-web' resolves to dist/ort.node.min.mjs, which loads dist/ort-wasm-simd-threaded.{mjs,wasm}
// from disk (no network) and runs its threads on node:worker_threads.
import * as ort from 'onnxruntime-web';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { convGeometry, randomConvData, type ConvCase, type ConvData, type ConvRunner } from './types.ts';

const require = createRequire(import.meta.url);

/** Sets the thread count and starts the runtime (it starts lazily with the first session, and only once);
 * returns the count it settled on (it falls back to 1 where threads are unavailable). */
export async function initOrt(threads: number): Promise<number> {
  const dist = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')); // package.json isn't exported
  ort.env.wasm.wasmPaths = pathToFileURL(dist).href + '/';
  ort.env.wasm.numThreads = threads;
  const warm = await ortConv({ name: 'init', n: 1, h: 4, w: 4, cin: 1, cout: 1, kh: 1, kw: 1, stride: 1, padding: 'valid', groups: 1 });
  await warm.run();
  warm.dispose();
  return ort.env.wasm.numThreads;
}

// --- a minimal protobuf writer: just varints and length-delimited fields, enough for an ONNX model ---
type Bytes = Uint8Array;
const cat = (...parts: (Bytes | number[])[]): Bytes => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
function varint(v: number): number[] {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`varint out of range: ${v}`);
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 0x80)) out.push((v % 0x80) | 0x80);
  out.push(v);
  return out;
}
const int = (field: number, v: number): Bytes => cat(varint(field * 8), varint(v)); // wire type 0
const bytes = (field: number, b: Bytes): Bytes => cat(varint(field * 8 + 2), varint(b.length), b); // wire type 2
const str = (field: number, s: string): Bytes => bytes(field, new TextEncoder().encode(s));
const msg = (field: number, ...fields: Bytes[]): Bytes => bytes(field, cat(...fields));

// --- onnx.proto field numbers (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) ---
const FLOAT = 1; // TensorProto.DataType
const ATTR_INT = 2, ATTR_INTS = 7; // AttributeProto.AttributeType
const attrInt = (name: string, v: number) => msg(5, str(1, name), int(20, ATTR_INT), int(3, v));
const attrInts = (name: string, vs: number[]) => msg(5, str(1, name), int(20, ATTR_INTS), ...vs.map((v) => int(8, v)));
const initializer = (name: string, dims: number[], data: Float32Array) =>
  msg(5, ...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
const valueInfo = (field: number, name: string, dims: number[]) =>
  msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, ...dims.map((d) => msg(1, int(1, d)))))));

/** ModelProto (ir_version 8, opset 13) holding one Conv: x [n,cin,h,w] * w [cout,cin/groups,kh,kw] + b -> y. */
export function convModel(c: ConvCase, w: Float32Array, b: Float32Array): Bytes {
  const { oh, ow, pads: [t, bo, l, r] } = convGeometry(c);
  const node = msg(1, str(1, 'x'), str(1, 'w'), str(1, 'b'), str(2, 'y'), str(3, 'conv'), str(4, 'Conv'),
    attrInts('kernel_shape', [c.kh, c.kw]), attrInts('strides', [c.stride, c.stride]),
    attrInts('pads', [t, l, bo, r]), attrInts('dilations', [1, 1]), attrInt('group', c.groups));
  const graph = msg(7, node, str(2, 'conv'),
    initializer('w', [c.cout, c.cin / c.groups, c.kh, c.kw], w), initializer('b', [c.cout], b),
    valueInfo(11, 'x', [c.n, c.cin, c.h, c.w]), valueInfo(12, 'y', [c.n, c.cout, oh, ow]));
  return cat(int(1, 8), str(2, 'facecodec-bench'), graph, msg(8, str(1, ''), int(2, 13)));
}

/** NCHW, as ONNX requires; `data` is in the TF layouts of ConvData and is transposed here, outside the timing. */
export async function ortConv(c: ConvCase, data: ConvData = randomConvData(c)): Promise<ConvRunner> {
  if (c.groups !== 1 && c.groups !== c.cin) throw new Error(`${c.name}: groups must be 1 or cin`);
  const { oh, ow } = convGeometry(c);
  const cig = c.cin / c.groups;
  const x = new Float32Array(data.x.length), w = new Float32Array(data.w.length);
  for (let n = 0; n < c.n; n++) for (let y = 0; y < c.h; y++) for (let xx = 0; xx < c.w; xx++) for (let ch = 0; ch < c.cin; ch++)
    x[((n * c.cin + ch) * c.h + y) * c.w + xx] = data.x[((n * c.h + y) * c.w + xx) * c.cin + ch];
  for (let ky = 0; ky < c.kh; ky++) for (let kx = 0; kx < c.kw; kx++) for (let i = 0; i < cig; i++) for (let o = 0; o < c.cout; o++)
    w[((o * cig + i) * c.kh + ky) * c.kw + kx] = data.w[((ky * c.kw + kx) * cig + i) * c.cout + o];
  const session = await ort.InferenceSession.create(convModel(c, w, data.b), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const input = new ort.Tensor('float32', x, [c.n, c.cin, c.h, c.w]);
  const run = async () => {
    const { y } = await session.run({ x: input });
    return y;
  };
  const output = async () => {
    const y = (await run()).data as Float32Array, out = new Float32Array(y.length);
    for (let n = 0; n < c.n; n++) for (let o = 0; o < c.cout; o++) for (let i = 0; i < oh * ow; i++)
      out[(n * oh * ow + i) * c.cout + o] = y[(n * c.cout + o) * oh * ow + i];
    return out;
  };
  return { output, run: async () => (await run()).dispose(), dispose: () => void session.release() };
}
