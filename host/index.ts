// facecodec library entry (browser-safe: no Node built-ins are imported statically).
export { loadModel, saveModel, type Model, type Weight, type TensorToSave } from './format/model.ts';
export { parseSafetensors, writeSafetensors, FormatError, type DType } from './format/safetensors.ts';
export { validateGraph, GRAPH_VERSION, type Graph, type GraphNode, type GraphInput } from './format/graph.ts';
export { readSource, type ModelSource } from './format/source.ts';
export { OPS, getOp } from './ops/index.ts';
export { OpError, type OpDef, type Shape } from './ops/op.ts';
export { planGraph, PlanError, type Plan, type Step, type PlannedTensor } from './executor/plan.ts';
export { Executor, type Tensor } from './executor/executor.ts';
export { createBackend, availableBackends, activeBackend, type Backend, type BoundPlan, type BackendName } from './backends/index.ts';
export { RefBackend } from './backends/ref/index.ts';
export { loadRecognizer, distance, Recognizer, DESCRIPTOR_LENGTH, SAME_PERSON_THRESHOLD, DEFAULT_RECOGNIZER_URL, type RecognizerOptions } from './models/recognizer.ts';
export { recognizerGraph, RECOGNIZER_SIZE } from './models/recognizer-graph.ts';
export { ImageError, checkImage, toRgbFloat, resizeRgb, cropResize, type Image } from './image/image.ts';
export { loadCodec, Codec, CodecError, deltaForQuality, parseContainer, FORMAT_VERSION, HEADER_CHUNK, type CodecOptions, type Header } from './codec/codec.ts';
export { WasmBackend, type WasmOptions } from './backends/wasm/index.ts';
export { WebGPUError } from './backends/webgpu/device.ts';
export { loadLandmarks, LandmarkDetector, DEFAULT_LANDMARKS_URL, type Box, type Landmarks, type LandmarksOptions } from './models/landmarks.ts';
export { alignBatch, alignFace, centralBox, type AlignOptions, type AlignerOptions } from './models/align.ts';
