// Converts face-api's 68-point landmark model into our model format:
//   node_modules/@vladmandic/face-api/model/face_landmark_68_model-weights_manifest.json + .bin
//   -> weights/landmarks-68.safetensors
// uint8-quantised tensors stay U8 with their exact scale/min; depthwise filters [3,3,C,1] are stored as
// HWIO [3,3,1,C] (same bytes, groups = C).
// Run: npm run convert:landmarks   (needs the @vladmandic/face-api devDependency)
import { saveModel, type TensorToSave } from '../host/format/model.ts';
import { landmarksGraph, LANDMARKS_DIVISOR, LANDMARKS_MEAN_RGB } from '../host/models/landmarks-graph.ts';
import { readFaceApiWeights, writeModelFile } from './face-api-weights.ts';

const tensors: TensorToSave[] = [
  { name: 'input/scale', shape: [3], f32: new Float32Array(3).fill(1 / LANDMARKS_DIVISOR) },
  { name: 'input/shift', shape: [3], f32: Float32Array.from(LANDMARKS_MEAN_RGB, (m) => -m / LANDMARKS_DIVISOR) },
  ...(await readFaceApiWeights('face_landmark_68_model', (w) => (w.name.endsWith('/depthwise_filter') ? [w.shape[0], w.shape[1], 1, w.shape[2] * w.shape[3]] : w.shape))),
];
const bytes = saveModel(landmarksGraph(), tensors, {
  model: 'landmarks-68',
  description: "face-api.js FaceLandmark68Net: 112x112 RGB face crop -> 68 (x, y) landmarks in 0..1 of the crop (iBUG 300-W order)",
  source: '@vladmandic/face-api model/face_landmark_68_model (face-api.js by Vincent Muehler)',
  license: 'MIT (face-api.js)',
});
await writeModelFile(new URL('./landmarks-68.safetensors', import.meta.url), bytes, tensors.length);
