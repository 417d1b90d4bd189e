// TensorFlow.js wasm backend (XNNPACK) as a benchmark competitor: a single conv, and the whole recognizer
// (dlib ResNet-29 from face-api's weights, the same network as test/oracle/tfjs-recognizer.ts).
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { convGeometry, randomConvData, randomFloats, type ConvCase, type ConvData, type ConvRunner, type Runner } from './types.ts';
import { loadRecognizerWeights, recognizerForward } from './tfjs-recognizer-net.ts';

const require = createRequire(import.meta.url);
const wasmPkg = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));

/** tfjs-backend-wasm 4.22 refuses threads in Node (WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE) and,
 * if forced, hands Emscripten blob: URLs, which node:worker_threads cannot start. The threaded build itself
 * runs fine in Node 20, so: write the pthread worker script to a temp file and give its path instead, and
 * make that worker load the threaded factory from its file on disk instead of the blob it is sent. */
function enableNodeThreads(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-wasm-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const factory = path.join(wasmPkg, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(wasmPkg, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const worker = path.join(dir, 'worker.cjs');
  // The \n escaping is what tfjs does before making its blob (the contents hold escaped newlines in strings).
  writeFileSync(worker, wasmWorkerContents.replace(/\n/g, '\\n') +
    `\n;global.importScripts = (f) => (0, eval)(require('fs').readFileSync(f.startsWith('blob:') ? ${JSON.stringify(factory)} : f, 'utf8'));\n`);
  const createObjectURL = URL.createObjectURL.bind(URL);
  // Stays installed: Emscripten may start more pthread workers later. tfjs's worker blob is the only
  // application/javascript blob it makes (its main-script blob is text/javascript and never turned into a URL).
  URL.createObjectURL = (obj: Blob | MediaSource) => (obj instanceof Blob && obj.type === 'application/javascript' ? worker : createObjectURL(obj));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
}

/** Starts the wasm backend with `threads` XNNPACK threads (counting the calling thread); returns the count it got. */
export async function initTfjs(threads: number): Promise<number> {
  setWasmPaths(path.join(wasmPkg, 'dist') + '/');
  if (threads > 1) {
    enableNodeThreads();
    setThreadsCount(threads);
  }
  // The wasm side caps threads at emscripten_num_logical_cores()/2 (it assumes 2 hyperthreads per core), which
  // on a 2-vCPU machine means 1. Report 2 cores per requested thread while its static constructors run.
  const cpus = os.cpus;
  if (threads > 1) os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialize');
  } finally {
    os.cpus = cpus;
  }
  return getThreadsCount();
}

/** NHWC conv + bias through XNNPACK (fused, as tfjs models run it); the input stays a tensor between runs. */
export async function tfjsConv(c: ConvCase, data: ConvData = randomConvData(c)): Promise<ConvRunner> {
  if (c.groups !== 1 && c.groups !== c.cin) throw new Error(`${c.name}: groups must be 1 or cin`);
  const depthwise = c.groups !== 1;
  const x = tf.tensor4d(data.x, [c.n, c.h, c.w, c.cin]);
  const w = depthwise ? tf.tensor4d(data.w, [c.kh, c.kw, c.cin, c.cout / c.cin]) : tf.tensor4d(data.w, [c.kh, c.kw, c.cin, c.cout]);
  const b = tf.tensor1d(data.b);
  const { pads: [t, bo, l, r] } = convGeometry(c);
  const pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] = Array.isArray(c.padding) ? [[0, 0], [t, bo], [l, r], [0, 0]] : c.padding;
  const conv = (): tf.Tensor4D => {
    if (!depthwise) return tf.fused.conv2d({ x, filter: w, strides: c.stride, pad, bias: b });
    // fused.depthwiseConv2d takes no explicit padding
    if (!Array.isArray(pad)) return tf.fused.depthwiseConv2d({ x, filter: w, strides: c.stride, pad, bias: b });
    return tf.tidy(() => tf.add(tf.depthwiseConv2d(x, w, c.stride, pad), b));
  };
  const output = async () => {
    const y = conv();
    const out = (await y.data()) as Float32Array;
    y.dispose();
    return out;
  };
  return { output, run: async () => void (await output()), dispose: () => tf.dispose([x, w, b]) };
}

/** The whole recognizer on [batch,150,150,3] RGB in 0..255; weights stay loaded (shared by all instances). */
export async function tfjsRecognizer(batch: number): Promise<Runner & { output(): Promise<Float32Array> }> {
  const W = loadRecognizerWeights();
  const x = tf.tensor4d(Float32Array.from(randomFloats(batch * 150 * 150 * 3, 7), (v) => Math.floor((v + 1) * 128)), [batch, 150, 150, 3]);
  const output = async () => {
    const y = recognizerForward(W, x);
    const out = (await y.data()) as Float32Array;
    y.dispose();
    return out;
  };
  return { output, run: async () => void (await output()), dispose: () => x.dispose() };
}
