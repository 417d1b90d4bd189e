// Converts face-api's TinyFaceDetector into our model format:
//   node_modules/@vladmandic/face-api/model/tiny_face_detector_model-weights_manifest.json + .bin
//   -> weights/face-detector-tiny.safetensors
// uint8-quantised tensors stay U8 with their exact scale/min; depthwise filters [3,3,C,1] are stored as
// HWIO [3,3,1,C] (same bytes, groups = C).
// Run: npm run convert:detector   (needs the @vladmandic/face-api devDependency)
import { saveModel, type TensorToSave } from '../host/format/model.ts';
import { detectorGraph, DETECTOR_DIVISOR, DETECTOR_MEAN_RGB } from '../host/models/detector-graph.ts';
import { readFaceApiWeights, writeModelFile } from './face-api-weights.ts';

const tensors: TensorToSave[] = [
  { name: 'input/scale', shape: [3], f32: new Float32Array(3).fill(1 / DETECTOR_DIVISOR) },
  { name: 'input/shift', shape: [3], f32: Float32Array.from(DETECTOR_MEAN_RGB, (m) => -m / DETECTOR_DIVISOR) },
  ...(await readFaceApiWeights('tiny_face_detector_model', (w) => (w.name.endsWith('/depthwise_filter') ? [w.shape[0], w.shape[1], 1, w.shape[2] * w.shape[3]] : w.shape))),
];
const bytes = saveModel(detectorGraph(), tensors, {
  model: 'face-detector-tiny',
  description: "face-api.js TinyFaceDetector: SxS RGB image (S a multiple of 32) -> S/32 x S/32 cells x 5 anchors x (tx, ty, tw, th, objectness logit)",
  source: '@vladmandic/face-api model/tiny_face_detector_model (face-api.js by Vincent Muehler)',
  license: 'MIT (face-api.js)',
});
await writeModelFile(new URL('./face-detector-tiny.safetensors', import.meta.url), bytes, tensors.length);
