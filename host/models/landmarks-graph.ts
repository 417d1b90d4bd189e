// face-api.js's FaceLandmark68Net (68-point landmarks) written as a facecodec graph. Tensor names are
// face-api's, so the converted file maps 1:1 to the source manifest.
//
//   image [N,112,112,3] in 0..255, RGB
//   -> (x - [122.782, 117.001, 104.298]) / 255                    affine
//   -> dense0: conv 3x3/2 same + bias, relu, then 3 separable convs   [N,56,56,32]
//   -> dense1 / dense2 / dense3 (first conv separable, stride 2)       [N,28,28,64] [N,14,14,128] [N,7,7,256]
//   -> avgpool 7x7/2 valid (= global mean at 7x7)                      [N,256]
//   -> fc                                                              [N,136] = (x0,y0,x1,y1,...) in 0..1 of the input
//
// denseBlock4(x):  o1 = relu(conv0(x));  o2 = sep1(o1);  o3 = sep2(relu(o1+o2));  o4 = sep3(relu(o1+o2+o3));
//                  out = relu(o1+o2+o3+o4)
// separable conv = depthwise 3x3 (stride s, 'same', TF's bottom/right-heavy padding), pointwise 1x1, + bias.
// tfjs's depthwise filter [3,3,C,1] has the same memory layout as our HWIO [3,3,1,C] with groups = C.
import type { Graph, GraphNode } from '../format/graph.ts';

export const LANDMARKS_SIZE = 112;
export const LANDMARKS_MEAN_RGB = [122.782, 117.001, 104.298];
export const LANDMARKS_DIVISOR = 255;
export const LANDMARK_COUNT = 68;

export function landmarksGraph(): Graph {
  const nodes: GraphNode[] = [];
  let n = 0;
  const emit = (op: string, inputs: string[], attrs?: Record<string, unknown>, name = `t${n++}`): string => {
    nodes.push({ op, inputs, outputs: [name], ...(attrs ? { attrs } : {}) });
    return name;
  };
  const sep = (x: string, p: string, stride: number, channels: number): string => {
    const d = emit('conv2d', [x, `${p}/depthwise_filter`], { stride, padding: 'same', groups: channels });
    return emit('conv2d', [d, `${p}/pointwise_filter`, `${p}/bias`], { stride: 1, padding: 'same' });
  };
  const block = (x: string, p: string, cin: number, cout: number, first: boolean): string => {
    const o1 = emit('relu', [first ? emit('conv2d', [x, `${p}/conv0/filters`, `${p}/conv0/bias`], { stride: 2, padding: 'same' }) : sep(x, `${p}/conv0`, 2, cin)]);
    const o2 = sep(o1, `${p}/conv1`, 1, cout);
    const s12 = emit('add', [o1, o2]);
    const o3 = sep(emit('relu', [s12]), `${p}/conv2`, 1, cout);
    const s123 = emit('add', [s12, o3]);
    const o4 = sep(emit('relu', [s123]), `${p}/conv3`, 1, cout);
    return emit('relu', [emit('add', [s123, o4])]);
  };
  let x = emit('affine', ['image', 'input/scale', 'input/shift']);
  x = block(x, 'dense0', 3, 32, true);
  x = block(x, 'dense1', 32, 64, false);
  x = block(x, 'dense2', 64, 128, false);
  x = block(x, 'dense3', 128, 256, false);
  x = emit('global_mean', [x]);
  emit('dense', [x, 'fc/weights', 'fc/bias'], undefined, 'landmarks');
  return { version: 1, inputs: [{ name: 'image', shape: ['N', LANDMARKS_SIZE, LANDMARKS_SIZE, 3] }], outputs: ['landmarks'], nodes };
}
