// A model file = safetensors weights + the graph JSON in __metadata__.graph.
// U8 tensors carry a per-tensor affine dequantisation q*scale+min in __metadata__.quantization
// ({"name": {"scale": s, "min": m}}), so uint8-quantised source weights are stored exactly as released.
import { validateGraph, type Graph, type ResolvedNode } from './graph.ts';
import { f16ToF32, FormatError, parseSafetensors, writeSafetensors, type DType, type RawTensor } from './safetensors.ts';

export interface Weight {
  shape: number[];
  /** Dequantised values, NHWC / HWIO order as the ops expect. */
  data: Float32Array;
  /** How it was stored. */
  dtype: DType;
}

export interface Model {
  graph: Graph;
  /** Nodes in execution order with parsed attributes. */
  order: ResolvedNode[];
  weights: Map<string, Weight>;
  /** Every __metadata__ entry (graph and quantization included), as strings. */
  metadata: Record<string, string>;
  /** Size of the file it was loaded from. */
  fileBytes: number;
}

export interface Quant {
  scale: number;
  min: number;
}

export function loadModel(file: Uint8Array): Model {
  const { metadata, tensors } = parseSafetensors(file);
  if (metadata.graph === undefined) throw new FormatError('__metadata__.graph is missing: not a facecodec model');
  let graphJson: unknown;
  try {
    graphJson = JSON.parse(metadata.graph);
  } catch (e) {
    throw new FormatError(`__metadata__.graph is not valid JSON: ${(e as Error).message}`);
  }
  let quant: Record<string, Quant> = {};
  if (metadata.quantization !== undefined) {
    try {
      quant = JSON.parse(metadata.quantization);
    } catch (e) {
      throw new FormatError(`__metadata__.quantization is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof quant !== 'object' || quant === null || Array.isArray(quant)) throw new FormatError('__metadata__.quantization is not an object');
  }
  const weights = new Map<string, Weight>();
  for (const [name, t] of tensors) weights.set(name, { shape: t.shape, dtype: t.dtype, data: decodeTensor(name, t, quant[name]) });
  for (const name of Object.keys(quant)) {
    if (tensors.get(name)?.dtype !== 'U8') throw new FormatError(`__metadata__.quantization names "${name}", which is not a U8 tensor`);
  }
  const { graph, order } = validateGraph(graphJson, new Set(weights.keys()));
  return { graph, order, weights, metadata, fileBytes: file.byteLength };
}

function decodeTensor(name: string, t: RawTensor, q: Quant | undefined): Float32Array {
  const n = t.bytes.byteLength;
  // DataView reads are alignment-free and little-endian on every host; the view may start anywhere.
  const src = new DataView(t.bytes.buffer, t.bytes.byteOffset, n);
  switch (t.dtype) {
    case 'F32': {
      const out = new Float32Array(n / 4);
      for (let i = 0; i < out.length; i++) out[i] = src.getFloat32(i * 4, true);
      return out;
    }
    case 'I32': {
      const out = new Float32Array(n / 4);
      for (let i = 0; i < out.length; i++) out[i] = src.getInt32(i * 4, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n / 2);
      for (let i = 0; i < out.length; i++) out[i] = f16ToF32(src.getUint16(i * 2, true));
      return out;
    }
    case 'U8': {
      if (!q) throw new FormatError(`tensor "${name}": U8 without an entry in __metadata__.quantization`);
      if (typeof q.scale !== 'number' || typeof q.min !== 'number' || !Number.isFinite(q.scale) || !Number.isFinite(q.min)) {
        throw new FormatError(`tensor "${name}": quantization needs finite numbers "scale" and "min", got ${JSON.stringify(q)}`);
      }
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = t.bytes[i] * q.scale + q.min;
      return out;
    }
  }
}

export interface TensorToSave {
  name: string;
  shape: number[];
  /** F32: stored as float32. U8: already-quantised bytes with their scale/min. */
  f32?: Float32Array;
  u8?: { q: Uint8Array } & Quant;
}

/** Writes a model file; validates the graph against the tensors first so a bad file is never produced. */
export function saveModel(graph: Graph, tensors: TensorToSave[], metadata: Record<string, string> = {}): Uint8Array {
  const raw: Array<[string, RawTensor]> = [];
  const quant: Record<string, Quant> = {};
  for (const t of tensors) {
    if (t.u8) {
      raw.push([t.name, { dtype: 'U8', shape: t.shape, bytes: t.u8.q }]);
      quant[t.name] = { scale: t.u8.scale, min: t.u8.min };
    } else if (t.f32) {
      const bytes = new Uint8Array(t.f32.length * 4);
      const dv = new DataView(bytes.buffer);
      t.f32.forEach((v, i) => dv.setFloat32(i * 4, v, true));
      raw.push([t.name, { dtype: 'F32', shape: t.shape, bytes }]);
    } else throw new FormatError(`tensor "${t.name}": no data`);
  }
  validateGraph(graph, new Set(tensors.map((t) => t.name)));
  const meta: Record<string, string> = { ...metadata, graph: JSON.stringify(graph) };
  if (Object.keys(quant).length) meta.quantization = JSON.stringify(quant);
  return writeSafetensors(raw, meta);
}
