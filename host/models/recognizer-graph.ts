// dlib's ResNet-29 face descriptor ("dlib_face_recognition_resnet_model_v1", as packaged by face-api.js)
// written as a facecodec graph. Tensor names are face-api's, so the converted file maps 1:1 to the source.
//
//   image [N,150,150,3] in 0..255, RGB
//   -> (x - mean) / 256                                   affine
//   -> conv32_down: conv 7x7/2 valid + bias, scale, relu  [N,72,72,32]
//   -> maxpool 3x3/2 valid                                [N,35,35,32]
//   -> 3 x residual(32) -> residualDown(64) + 3 x residual(64)            [N,17,17,64]
//   -> residualDown(128) + 2 x residual(128)                             [N,8,8,128]
//   -> residualDown(256) + 2 x residual(256) -> residualDown(256)        [N,3,3,256] -> [N,2,2,256]
//   -> global mean [N,256] -> fc [N,128]
//
// residual:     relu(scale(conv3x3(relu(scale(conv3x3(x))))) + x)
// residualDown: conv1 is 3x3 stride 2 VALID; the shortcut is avgpool 2x2/2 VALID, channel zero-padded;
//               when the conv path is smaller than the shortcut it is zero-padded bottom/right (dlib's add_prev).
import type { Graph, GraphNode } from '../format/graph.ts';

export const RECOGNIZER_SIZE = 150;
export const RECOGNIZER_MEAN_RGB = [122.782, 117.001, 104.298];
/** dlib divides by 256 (one npm port of face-api divides by 255; that shifts every descriptor). */
export const RECOGNIZER_DIVISOR = 256;

export function recognizerGraph(): Graph {
  const nodes: GraphNode[] = [];
  let n = 0;
  const emit = (op: string, inputs: string[], attrs?: Record<string, unknown>, name = `t${n++}`): string => {
    nodes.push({ op, inputs, outputs: [name], ...(attrs ? { attrs } : {}) });
    return name;
  };
  let size = RECOGNIZER_SIZE;
  const convOut = (k: number, s: number, valid: boolean) => (valid ? Math.floor((size - k) / s) + 1 : size);

  /** conv + bias -> per-channel scale/shift -> optional relu */
  const convLayer = (x: string, p: string, stride: number, valid: boolean, relu: boolean): string => {
    let y = emit('conv2d', [x, `${p}/conv/filters`, `${p}/conv/bias`], { stride, padding: valid ? 'valid' : 'same' });
    y = emit('affine', [y, `${p}/scale/weights`, `${p}/scale/biases`]);
    return relu ? emit('relu', [y]) : y;
  };
  const residual = (x: string, p: string): string => {
    const a = convLayer(x, `${p}/conv1`, 1, false, true);
    const b = convLayer(a, `${p}/conv2`, 1, false, false);
    return emit('relu', [emit('add', [b, x])]);
  };
  const residualDown = (x: string, p: string, cin: number, cout: number): string => {
    const pooled = Math.floor((size - 2) / 2) + 1;
    const a = convLayer(x, `${p}/conv1`, 2, true, true);
    size = convOut(3, 2, true);
    let b = convLayer(a, `${p}/conv2`, 1, false, false);
    const grow = pooled - size;
    if (grow > 0) b = emit('pad', [b], { pads: [0, grow, 0, grow] });
    let shortcut = emit('avgpool', [x], { kernel: 2, stride: 2, padding: 'valid' });
    if (cout > cin) shortcut = emit('pad', [shortcut], { channels: [0, cout - cin] });
    size = pooled;
    return emit('relu', [emit('add', [b, shortcut])]);
  };

  let x = emit('affine', ['image', 'input/scale', 'input/shift']);
  x = convLayer(x, 'conv32_down', 2, true, true);
  size = convOut(7, 2, true);
  x = emit('maxpool', [x], { kernel: 3, stride: 2, padding: 'valid' });
  size = Math.floor((size - 3) / 2) + 1;
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, p);
  x = residualDown(x, 'conv64_down', 32, 64);
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, p);
  x = residualDown(x, 'conv128_down', 64, 128);
  for (const p of ['conv128_1', 'conv128_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down', 128, 256);
  for (const p of ['conv256_1', 'conv256_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down_out', 256, 256);
  x = emit('global_mean', [x]);
  emit('dense', [x, 'fc'], undefined, 'descriptor');
  return { version: 1, inputs: [{ name: 'image', shape: ['N', RECOGNIZER_SIZE, RECOGNIZER_SIZE, 3] }], outputs: ['descriptor'], nodes };
}
