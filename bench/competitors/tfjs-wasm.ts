// TensorFlow.js wasm backend (XNNPACK) as a benchmark competitor: a single conv, and the whole recognizer
// (dlib ResNet-29 from face-api's weights, the same network as test/oracle/tfjs-recognizer.ts).
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { convGeometry, randomConvData, randomFloats, type ConvCase, type ConvData, type ConvRunner, type Runner } from './types.ts';

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

type T4 = tf.Tensor4D;
let weights: Record<string, tf.Tensor> | undefined;
function loadRecognizerWeights(): Record<string, tf.Tensor> {
  if (weights) return weights;
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const manifest = JSON.parse(readFileSync(path.join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
  const bin = readFileSync(path.join(modelDir, manifest[0].paths[0]));
  return (weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights) as Record<string, tf.Tensor>);
}

// Forward pass copied from test/oracle/tfjs-recognizer.ts (face-api.js FaceRecognitionNet with dlib's /256).
function recognizerForward(W: Record<string, tf.Tensor>, batch: T4): tf.Tensor2D {
  function convLayer(x: T4, p: string, stride: 1 | 2, relu: boolean, padding: 'same' | 'valid'): T4 {
    let out = tf.conv2d(x, W[`${p}/conv/filters`] as T4, stride, padding);
    out = tf.add(out, W[`${p}/conv/bias`]) as T4;
    out = tf.add(tf.mul(out, W[`${p}/scale/weights`]), W[`${p}/scale/biases`]) as T4;
    return relu ? tf.relu(out) : out;
  }
  function residual(x: T4, p: string): T4 {
    let out = convLayer(x, `${p}/conv1`, 1, true, 'same');
    out = convLayer(out, `${p}/conv2`, 1, false, 'same');
    return tf.relu(tf.add(out, x)) as T4;
  }
  function residualDown(x: T4, p: string): T4 {
    let out = convLayer(x, `${p}/conv1`, 2, true, 'valid');
    out = convLayer(out, `${p}/conv2`, 1, false, 'same');
    let pooled = tf.avgPool(x, 2, 2, 'valid') as T4;
    if (pooled.shape[1] !== out.shape[1]) {
      out = tf.concat([out, tf.zeros([out.shape[0], 1, out.shape[2], out.shape[3]])], 1) as T4;
      out = tf.concat([out, tf.zeros([out.shape[0], out.shape[1], 1, out.shape[3]])], 2) as T4;
    }
    if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3) as T4;
    return tf.relu(tf.add(pooled, out)) as T4;
  }
  return tf.tidy(() => {
    const x = tf.div(tf.sub(batch, tf.tensor1d([122.782, 117.001, 104.298])), 256) as T4;
    let out = convLayer(x, 'conv32_down', 2, true, 'valid');
    out = tf.maxPool(out, 3, 2, 'valid');
    for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, p);
    out = residualDown(out, 'conv64_down');
    for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, p);
    out = residualDown(out, 'conv128_down');
    for (const p of ['conv128_1', 'conv128_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down');
    for (const p of ['conv256_1', 'conv256_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down_out');
    return tf.matMul(tf.mean(out, [1, 2]) as tf.Tensor2D, W.fc as tf.Tensor2D);
  });
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
