// The codec's two networks, as facecodec graphs with symbolic N, H, W (H, W multiples of 4).
//
// CompNet  image [N,H,W,3] 0..255 -> code [N,H/4,W/4,3] 0..255 (then quantised to integers by the host)
//   thumbnail = avgpool 4x4 of the image; code = clamp(thumbnail + 64*tanh(f(image)), 0, 255),
//   f = conv3x3/2 24 -> conv3x3 24 -> conv3x3/2 48 -> conv3x3 48 -> [rate condition] -> [B residual
//   blocks of 48] -> conv3x3 3 (leaky ReLU between).
//   Starting from a plain thumbnail keeps the compact image looking like the face, and the PNG small.
//   ~0.16 GFLOP for a 152x152 chip with B = 0 (v1 to v6), + 0.12 GFLOP per block.
//   Optionally (CompnetOptions) the encoder also takes RecNet's rate input, delta [N,H/4,W/4,1], added
//   through a 1x1 conv (`cond`) to the 1/4-resolution features, so that the code can depend on the
//   step it will be quantised with; without it one code serves every quality.
//
// RecNet   code [N,h,w,3] 0..255 (dequantised), delta [N,h,w,1] (quantisation step x RATE_SCALE, the rate
//   condition) -> image [N,4h,4w,3] 0..255
//   bilinear x4 upsampling of the code + 64 * g(code, delta), g = conv 48, B residual blocks of 48
//   (at 1/4 resolution), conv + depth_to_space x2 (32 ch), conv 32, conv + depth_to_space x2 (16 ch),
//   conv 3. ~0.75 GFLOP for a 152x152 chip with B = 2 (v1 to v4), + 0.12 GFLOP per further block.
//   A file carries its own graph, so a decoder reads any B.
import type { Graph, GraphNode } from '../format/graph.ts';
import type { TensorToSave } from '../format/model.ts';
import { LEGACY_CONTRACT, type CodecContract, type PooledTier } from '../codec/contract.ts';
import type { CodeLayout } from '../codec/layout.ts';

export const CODEC_FACTOR = 4;
/** RecNet's rate input ('delta') is the quantisation step times this. */
export const RATE_SCALE = 1 / 16;
/** Quantisation steps the networks are trained over: quality 1's and quality 100's. */
export const DELTA_RANGE: [number, number] = [128, 2];

/**
 * The contract (host/codec/contract.ts) of networks built here and trained over steps deltaRange. The
 * residual tier is not trained: new models take the one the released models have.
 */
export function codecContract(layout: CodeLayout, delta: [number, number], lumaOnlyAbove = LEGACY_CONTRACT.lumaOnlyAbove, pooled: PooledTier = LEGACY_CONTRACT.pooled): CodecContract {
  return { layout, factor: CODEC_FACTOR, deltaRange: [Math.max(...delta), Math.min(...delta)], rateScale: RATE_SCALE, residual: LEGACY_CONTRACT.residual, lumaOnlyAbove, pooled };
}
const LEAK = 0.1;

interface Builder {
  nodes: GraphNode[];
  params: Array<{ name: string; shape: number[]; fanIn: number; gain: number }>;
  consts: TensorToSave[];
}

function builder(): Builder & {
  emit(op: string, inputs: string[], attrs?: Record<string, unknown>, name?: string): string;
  conv(x: string, name: string, k: number, cin: number, cout: number, stride?: number, act?: boolean, gain?: number): string;
  constVec(name: string, values: number[]): string;
} {
  const b: Builder = { nodes: [], params: [], consts: [] };
  let n = 0;
  const emit = (op: string, inputs: string[], attrs?: Record<string, unknown>, name = `t${n++}`) => {
    b.nodes.push({ op, inputs, outputs: [name], ...(attrs ? { attrs } : {}) });
    return name;
  };
  return {
    ...b,
    emit,
    conv(x, name, k, cin, cout, stride = 1, act = true, gain = 1) {
      b.params.push({ name: `${name}/w`, shape: [k, k, cin, cout], fanIn: k * k * cin, gain }, { name: `${name}/b`, shape: [cout], fanIn: 0, gain: 0 });
      const y = emit('conv2d', [x, `${name}/w`, `${name}/b`], { stride, padding: 'same' });
      return act ? emit('leaky_relu', [y], { alpha: LEAK }) : y;
    },
    constVec(name, values) {
      b.consts.push({ name, shape: [values.length], f32: Float32Array.from(values) });
      return name;
    },
  };
}

export interface NetSpec {
  graph: Graph;
  /** Trainable tensors with their initialisation scale. */
  params: Builder['params'];
  /** Fixed tensors (normalisation constants). */
  consts: TensorToSave[];
}

/** CompNet's shape beyond v1 to v6's (which are CompnetOptions {}). */
export interface CompnetOptions {
  /** Residual blocks of 48 channels at 1/4 resolution before the last conv (default 0). */
  blocks?: number;
  /** Whether the encoder takes the rate input 'delta' (the quantisation step x RATE_SCALE), as RecNet does. */
  conditioned?: boolean;
}

/** The input a conditioned CompNet (and every RecNet) takes: [N, h, w, 1], the quantisation step x RATE_SCALE. */
export const RATE_INPUT = 'delta';
/** Whether a network's graph takes the rate input (every RecNet; a conditioned CompNet). */
export const takesRate = (graph: Graph) => graph.inputs.some((i) => i.name === RATE_INPUT);

export function compnetSpec(o: CompnetOptions = {}): NetSpec {
  const blocks = o.blocks ?? 0;
  if (!Number.isInteger(blocks) || blocks < 0 || blocks > 8) throw new Error(`CompNet takes 0..8 residual blocks, got ${blocks}`);
  const b = builder();
  const s = b.constVec('norm/scale', [1 / 127.5, 1 / 127.5, 1 / 127.5]);
  const t = b.constVec('norm/shift', [-1, -1, -1]);
  let x = b.emit('affine', ['image', s, t]);
  x = b.conv(x, 'c1', 3, 3, 24, 2);
  x = b.conv(x, 'c2', 3, 24, 24);
  x = b.conv(x, 'c3', 3, 24, 48, 2);
  x = b.conv(x, 'c4', 3, 48, 48);
  if (o.conditioned) x = b.emit('add', [x, b.conv(RATE_INPUT, 'cond', 1, 1, 48, 1, false)]);
  for (let k = 1; k <= blocks; k++) x = residualBlock(b, x, k);
  x = b.conv(x, 'c5', 3, 48, 3, 1, false, 0.1);
  const detail = b.emit('affine', [b.emit('tanh', [x]), b.constVec('detail/scale', [64, 64, 64]), b.constVec('detail/shift', [0, 0, 0])]);
  const thumb = b.emit('avgpool', ['image'], { kernel: CODEC_FACTOR, stride: CODEC_FACTOR, padding: 'valid' });
  b.emit('clamp', [b.emit('add', [thumb, detail])], { min: 0, max: 255 }, 'code');
  const inputs: Graph['inputs'] = [{ name: 'image', shape: ['N', 'H', 'W', 3] }];
  if (o.conditioned) inputs.push({ name: RATE_INPUT, shape: ['N', 'h', 'w', 1] });
  return { graph: { version: 1, inputs, outputs: ['code'], nodes: b.nodes }, params: b.params, consts: b.consts };
}

/** RecNet's residual blocks in v1 to v4; more grow the decoder (paramsFromFile in host/train/train-codec.ts). */
export const RECNET_BLOCKS = 2;

/** A residual block's convs: `b<k>/c1`, then `b<k>/c2`, whose output is added to the block's input. */
const blockConv = (k: number, conv: 1 | 2) => `b${k}/c${conv}`;
/**
 * Parameters that start at zero when grown into a trained network (host/train/train-codec.ts
 * paramsFromFile): a residual block's last conv (the block adds nothing) and CompNet's rate
 * condition (the code does not depend on the step), so the grown network computes what the old one did.
 */
export const startsAtZero = (param: string) => /^b\d+\/c2\/[wb]$/.test(param) || /^cond\/[wb]$/.test(param);

function residualBlock(b: ReturnType<typeof builder>, x: string, k: number): string {
  const a = b.conv(x, blockConv(k, 1), 3, 48, 48);
  return b.emit('add', [x, b.conv(a, blockConv(k, 2), 3, 48, 48, 1, false, 0.5)]);
}

export function recnetSpec(blocks = RECNET_BLOCKS): NetSpec {
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 12) throw new Error(`RecNet needs 1..12 residual blocks, got ${blocks}`);
  const b = builder();
  const s = b.constVec('norm/scale', [1 / 127.5, 1 / 127.5, 1 / 127.5]);
  const t = b.constVec('norm/shift', [-1, -1, -1]);
  let x = b.emit('concat', [b.emit('affine', ['code', s, t]), RATE_INPUT]);
  x = b.conv(x, 'r1', 3, 4, 48);
  for (let k = 1; k <= blocks; k++) x = residualBlock(b, x, k);
  x = b.emit('leaky_relu', [b.emit('depth_to_space', [b.conv(x, 'u1', 3, 48, 128, 1, false)], { block: 2 })], { alpha: LEAK });
  x = b.conv(x, 'r2', 3, 32, 32);
  x = b.emit('leaky_relu', [b.emit('depth_to_space', [b.conv(x, 'u2', 3, 32, 64, 1, false)], { block: 2 })], { alpha: LEAK });
  x = b.conv(x, 'r3', 3, 16, 3, 1, false, 0.1);
  const detail = b.emit('affine', [x, b.constVec('detail/scale', [64, 64, 64]), b.constVec('detail/shift', [0, 0, 0])]);
  const up = b.emit('resize_bilinear', ['code'], { scale: CODEC_FACTOR });
  b.emit('add', [up, detail], undefined, 'image');
  return {
    graph: { version: 1, inputs: [{ name: 'code', shape: ['N', 'h', 'w', 3] }, { name: RATE_INPUT, shape: ['N', 'h', 'w', 1] }], outputs: ['image'], nodes: b.nodes },
    params: b.params,
    consts: b.consts,
  };
}

/** He-normal weights scaled by each layer's gain, zero biases; deterministic for a seed. */
export function initParams(spec: NetSpec, seed: number): TensorToSave[] {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return spec.params.map((p) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const std = p.fanIn ? p.gain * Math.sqrt(2 / p.fanIn) : 0;
    return { name: p.name, shape: p.shape, f32: Float32Array.from({ length: n }, () => std * normal()) };
  });
}
