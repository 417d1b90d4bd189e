// dlib's ResNet-29 written independently with TensorFlow.js ops, following face-api.js 0.22.2's
// FaceRecognitionNet: the dev-only oracle for our recognizer (test/oracle/tfjs-recognizer.ts) and the
// tfjs competitor in the kernel benchmark. Weights come straight from face-api's manifest and .bin.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

type T4 = tf.Tensor4D;
const require = createRequire(import.meta.url);
let weights: Record<string, tf.Tensor> | undefined;

/** face-api's recognizer weights as tfjs tensors, decoded by tfjs itself (loaded once). */
export function loadRecognizerWeights(): Record<string, tf.Tensor> {
  if (weights) return weights;
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const manifest = JSON.parse(readFileSync(path.join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
  const bin = readFileSync(path.join(modelDir, manifest[0].paths[0]));
  return (weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights) as Record<string, tf.Tensor>);
}

/** face-api.js 0.22.2's FaceRecognitionNet forward pass (with dlib's /256) on [N,150,150,3] RGB 0..255. */
export function recognizerForward(W: Record<string, tf.Tensor>, batch: T4): tf.Tensor2D {
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

