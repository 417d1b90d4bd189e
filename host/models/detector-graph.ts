// face-api.js's TinyFaceDetector (a Tiny-YOLOv2 with depthwise-separable convs, one class) written as
// a facecodec graph. Tensor names are face-api's, so the converted file maps 1:1 to the source manifest.
//
//   image [N,S,S,3] in 0..255, RGB, S a multiple of 32 (416 is face-api's default)
//   -> (x - [117.001, 114.697, 97.404]) / 255                        affine
//   -> conv0 3x3 valid + bias, leaky 0.1, maxpool 2x2/2 same           [N,S/2-1,..,16]
//   -> conv1..conv5: separable (depthwise 3x3 same, pointwise 1x1, + bias), leaky 0.1, then
//      maxpool 2x2/2 same (after conv1..conv4) or 2x2/1 same (after conv5)    [N,S/32,S/32,512]
//   -> conv8 1x1 + bias                                                [N,S/32,S/32,25]
//
// Output: per cell, per anchor a (0..4) the 5 numbers at channels 5a..5a+4: tx, ty, tw, th and the
// objectness logit; decoding (sigmoid, exp times the anchor, NMS) is in detector.ts.
// tfjs's depthwise filter [3,3,C,1] has the same memory layout as our HWIO [3,3,1,C] with groups = C.
import type { Graph, GraphNode } from '../format/graph.ts';

/** face-api's default input side; any multiple of 32 works (smaller is faster, finds fewer small faces). */
export const DETECTOR_SIZE = 416;
export const DETECTOR_MEAN_RGB = [117.001, 114.697, 97.404];
export const DETECTOR_DIVISOR = 255;
export const DETECTOR_LEAK = 0.10000000149011612; // float32(0.1), as face-api's leaky()
/** Anchor (width, height) in output cells, face-api's BOX_ANCHORS. */
export const DETECTOR_ANCHORS: Array<[number, number]> = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
/** Numbers per anchor in the output: box (4) + objectness (1). */
export const DETECTOR_BOX_ENCODING = 5;
/** The network's total stride: one output cell per 32x32 input pixels. */
export const DETECTOR_STRIDE = 32;

export function detectorGraph(): Graph {
  const nodes: GraphNode[] = [];
  let n = 0;
  const emit = (op: string, inputs: string[], attrs?: Record<string, unknown>, name = `t${n++}`): string => {
    nodes.push({ op, inputs, outputs: [name], ...(attrs ? { attrs } : {}) });
    return name;
  };
  const leaky = (x: string) => emit('leaky_relu', [x], { alpha: DETECTOR_LEAK });
  const pool = (x: string, stride: number) => emit('maxpool', [x], { kernel: 2, stride, padding: 'same' });
  const sep = (x: string, p: string, channels: number): string => {
    const d = emit('conv2d', [x, `${p}/depthwise_filter`], { stride: 1, padding: 'same', groups: channels });
    return leaky(emit('conv2d', [d, `${p}/pointwise_filter`, `${p}/bias`], { stride: 1, padding: 'same' }));
  };
  let x = emit('affine', ['image', 'input/scale', 'input/shift']);
  x = pool(leaky(emit('conv2d', [x, 'conv0/filters', 'conv0/bias'], { stride: 1, padding: 'valid' })), 2);
  const channels = [16, 32, 64, 128, 256];
  channels.forEach((c, i) => {
    x = pool(sep(x, `conv${i + 1}`, c), i < 4 ? 2 : 1);
  });
  emit('conv2d', [x, 'conv8/filters', 'conv8/bias'], { stride: 1, padding: 'valid' }, 'boxes');
  return { version: 1, inputs: [{ name: 'image', shape: ['N', 'S', 'S', 3] }], outputs: ['boxes'], nodes };
}
