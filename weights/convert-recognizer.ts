// Converts face-api's packaging of dlib's ResNet-29 face descriptor into our model format:
//   node_modules/@vladmandic/face-api/model/face_recognition_model-weights_manifest.json + .bin
//   -> weights/recognizer-dlib-r29.safetensors
// uint8-quantised tensors stay U8 with their exact scale/min; float32 ones stay F32.
// Run: npm run convert:recognizer   (needs the @vladmandic/face-api devDependency)
import { saveModel, type TensorToSave } from '../host/format/model.ts';
import { recognizerGraph, RECOGNIZER_DIVISOR, RECOGNIZER_MEAN_RGB } from '../host/models/recognizer-graph.ts';
import { readFaceApiWeights, writeModelFile } from './face-api-weights.ts';

const tensors: TensorToSave[] = [
  { name: 'input/scale', shape: [3], f32: new Float32Array(3).fill(1 / RECOGNIZER_DIVISOR) },
  { name: 'input/shift', shape: [3], f32: Float32Array.from(RECOGNIZER_MEAN_RGB, (m) => -m / RECOGNIZER_DIVISOR) },
  ...(await readFaceApiWeights('face_recognition_model')),
];
const bytes = saveModel(recognizerGraph(), tensors, {
  model: 'recognizer-dlib-r29',
  description: "dlib's ResNet-29 face descriptor (dlib_face_recognition_resnet_model_v1): 150x150 RGB chip -> 128-d embedding",
  source: '@vladmandic/face-api model/face_recognition_model (face-api.js packaging of the dlib model)',
  license: "weights released into the public domain by dlib's author (Davis King)",
});
await writeModelFile(new URL('./recognizer-dlib-r29.safetensors', import.meta.url), bytes, tensors.length);
