// Step -> kernel dispatches: which shader (wgsl/<name>.wgsl), which override constants, the uniform
// params (arena offsets in floats, shapes, attributes), the weight buffer, and the grid. Pure: no GPU
// objects here, so the same specs drive the real device and Dawn's null-backend compile check. The
// forward ops are here, the backward ops (act_grad ... crop) in grad-kernels.ts.
import type { PlannedTensor, Step } from '../../executor/plan.ts';
import type { Activation, Epilogue } from '../../executor/fuse.ts';
import { ACT_CODE, CHANNEL_OP, ELEMENTWISE_OP } from '../../ops/codes.ts';
import { slidingWindow, type Padding } from '../../ops/op.ts';
import { convTransposePads } from '../../ops/conv_transpose2d.ts';

/** One uniform field: a plain number is u32; {i} is i32, {f} is f32. */
export type Param = number | { i: number } | { f: number };

/**
 * Where a weight-side binding comes from: the tensor's own data, data derived from tensors once, or
 * nothing (`arena`: the kernel reads a weight computed in the arena, W_ARENA in wgsl/weights.wgsl, and
 * the binding holds a placeholder).
 */
export type WeightSource =
  | { tensor: PlannedTensor }
  | { derived: string; from: Float32Array[]; make: () => Float32Array }
  | { arena: PlannedTensor };

export interface KernelSpec {
  shader: string;
  overrides: Record<string, number | boolean>;
  params: Param[];
  /** Binding 2 (weights / per-channel parameters), if the shader has one. */
  weights?: WeightSource;
  /** Binding 8 (the epilogue's packed scale/shift), for head shaders. */
  scaleShift?: WeightSource;
  /** Workgroup counts. */
  groups: [number, number, number];
  /** Arena tensors this dispatch reads (for offsets of weight-kind operands; see WebGPUBackend). */
  reads: PlannedTensor[];
}

/** Where a tensor lives in the arena (weights used as activations get a slot at bind time). */
export type OffsetOf = (t: PlannedTensor) => number;

/** Arena placement for a plan's kernels: tensor offsets, and the scratch region (scratchFloats() floats; -1 if none). */
export interface Placement {
  off: OffsetOf;
  scratch: number;
}

export interface KernelOptions {
  /** 'naive' runs groups = 1 conv2d on the one-output-per-invocation yardstick kernel. */
  conv?: 'tiled' | 'naive';
}

const MAX_GROUPS = 65535;
/** Below this many output pixels a dense conv runs on the direct (one output per invocation) kernel. */
export const SMALL_M = 32;

/** A 1-D grid of `n` invocations in workgroups of 64, laid over x and y. */
export function grid1d(n: number): [number, number, number] {
  const g = Math.max(1, Math.ceil(n / 64));
  if (g <= MAX_GROUPS) return [g, 1, 1];
  return [MAX_GROUPS, Math.ceil(g / MAX_GROUPS), 1];
}

/** y tiles split over y and z of the grid. */
function splitYZ(tiles: number): [number, number] {
  return tiles <= MAX_GROUPS ? [tiles, 1] : [MAX_GROUPS, Math.ceil(tiles / MAX_GROUPS)];
}

function actParams(act: Activation): { code: number; a: number; b: number } {
  switch (act.kind) {
    case 'leaky_relu':
      return { code: ACT_CODE.leaky_relu, a: act.alpha, b: 0 };
    case 'clamp':
      return { code: ACT_CODE.clamp, a: act.min, b: act.max };
    default:
      return { code: ACT_CODE[act.kind], a: 0, b: 0 };
  }
}

/** Packed [scale(C), shift(C)] for a head: the fused epilogue's, or (1, bias or 0) unfused. */
function scaleShiftOf(step: Step, c: number): WeightSource {
  const e = step.epilogue;
  if (e) return { derived: 'epilogue', from: [e.scale.data!, e.shift.data!], make: () => concat(e.scale.data!, e.shift.data!) };
  const bias = step.inputs[2];
  if (bias) return { derived: 'bias', from: [bias.data!], make: () => concat(new Float32Array(c).fill(1), bias.data!) };
  return { derived: 'unit', from: [unitVector(c)], make: () => concat(unitVector(c), new Float32Array(c)) };
}

/** One all-ones vector per length, so that every plan shares one uploaded (1, 0) scale/shift. */
const UNITS = new Map<number, Float32Array>();
function unitVector(c: number): Float32Array {
  let u = UNITS.get(c);
  if (!u) UNITS.set(c, (u = new Float32Array(c).fill(1)));
  return u;
}

/** A weight operand: a constant at binding 2, or a tensor computed in the arena (W_ARENA, read at offset wo). */
function weightOperand(w: PlannedTensor, off: OffsetOf): { weights: WeightSource; W_ARENA: boolean; wo: number; reads: PlannedTensor[] } {
  if (w.kind === 'weight') return { weights: { tensor: w }, W_ARENA: false, wo: 0, reads: [] };
  return { weights: { arena: w }, W_ARENA: true, wo: off(w), reads: [w] };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Overrides and the Epi struct fields for a head step. */
function epilogueOf(e: Epilogue | undefined, c: number, off: OffsetOf): { overrides: Record<string, number | boolean>; epi: Param[]; reads: PlannedTensor[] } {
  const act = actParams(e?.act ?? { kind: 'none' });
  const res = e?.residual;
  return {
    overrides: { ACT: act.code, HAS_RES: !!res },
    epi: [c, { f: act.a }, { f: act.b }, res ? off(res) : 0],
    reads: res ? [res] : [],
  };
}

const UNARY_ACT: Record<string, Activation['kind']> = { relu: 'relu', leaky_relu: 'leaky_relu', clamp: 'clamp', tanh: 'tanh', sigmoid: 'sigmoid' };

export function kernelsFor(step: Step, at: Placement, opts: KernelOptions = {}): KernelSpec[] {
  const { op, inputs, output } = step;
  const off = at.off;
  const a = step.attrs as Record<string, any>;
  const x = inputs[0];
  const xo = off(x), yo = off(output);
  switch (op.name) {
    case 'conv2d': {
      const [n, h, w, cin] = x.shape;
      const [kh, kw, cpg, cout] = inputs[1].shape;
      const [, oh, ow] = output.shape;
      const stride = a.stride as [number, number];
      const win = slidingWindow('conv2d', h, w, [kh, kw], stride, a.padding as Padding);
      const ep = epilogueOf(step.epilogue, cout, off);
      const wop = weightOperand(inputs[1], off);
      const common = { weights: wop.weights, scaleShift: scaleShiftOf(step, cout), reads: [x, ...wop.reads, ...ep.reads] };
      const overrides = { ...ep.overrides, W_ARENA: wop.W_ARENA };
      const groups = a.groups as number;
      if (groups > 1) {
        const total = n * oh * ow * Math.ceil(cout / 4);
        const vec = groups === cin && cout === cin && cin % 4 === 0;
        return [{
          shader: 'conv2d_grouped', overrides: { ...overrides, VEC: vec }, ...common, groups: grid1d(total),
          params: [h, w, cin, oh, ow, cout, kh, kw, stride[0], stride[1], { i: win.top }, { i: win.left }, total, cpg, cout / groups, xo, yo, wop.wo, 0, 0, ...ep.epi],
        }];
      }
      // Fewer than 32 output pixels (the recognizer's last 3x3 and 1x1 layers): a 64-pixel tile would be
      // mostly empty and its K walk serial over a handful of workgroups, so the direct kernel, with
      // one invocation per output, is faster there (measured on lavapipe: bench/webgpu-kernels.ts).
      if (opts.conv === 'naive' || n * oh * ow < SMALL_M) {
        const total = n * oh * ow * cout;
        return [{
          shader: 'conv2d_naive', overrides, ...common, groups: grid1d(total),
          params: [h, w, cin, oh, ow, cout, kh, kw, stride[0], stride[1], { i: win.top }, { i: win.left }, total, xo, yo, wop.wo, ...ep.epi],
        }];
      }
      const m = n * oh * ow, k = kh * kw * cin;
      const BM = 64, BN = cout > 32 ? 64 : 32;
      const [ty, tz] = splitYZ(Math.ceil(m / BM));
      const pointwise = kh === 1 && kw === 1 && stride[0] === 1 && stride[1] === 1 && win.top === 0 && win.left === 0 && oh === h && ow === w;
      return [{
        shader: 'conv2d', overrides: { ...overrides, BM, BN, VEC_X: cin % 4 === 0, VEC_W: cout % 4 === 0, POINTWISE: pointwise }, ...common,
        groups: [Math.ceil(cout / BN), ty, tz],
        params: [h, w, cin, oh, ow, cout, kw, stride[0], stride[1], { i: win.top }, { i: win.left }, m, k, ty, xo, yo, wop.wo, 0, 0, 0, ...ep.epi],
      }];
    }
    case 'conv_transpose2d': {
      const [n, h, w, cin] = x.shape;
      const [kh, kw, , cout] = inputs[1].shape;
      const [, oh, ow] = output.shape;
      const stride = a.stride as [number, number];
      const [pt, , pl] = convTransposePads(a.padding as Padding, [kh, kw], stride);
      const ep = epilogueOf(step.epilogue, cout, off);
      const wop = weightOperand(inputs[1], off);
      const total = n * oh * ow * Math.ceil(cout / 4);
      return [{
        shader: 'conv_transpose2d', overrides: { ...ep.overrides, W_ARENA: wop.W_ARENA, VEC_W: cout % 4 === 0 },
        weights: wop.weights, scaleShift: scaleShiftOf(step, cout), reads: [x, ...wop.reads, ...ep.reads], groups: grid1d(total),
        params: [h, w, cin, oh, ow, cout, kh, kw, stride[0], stride[1], pt, pl, total, xo, yo, wop.wo, ...ep.epi],
      }];
    }
    case 'dense': {
      const [rows, k] = x.shape;
      const m = inputs[1].shape[1];
      const ep = epilogueOf(step.epilogue, m, off);
      const wop = weightOperand(inputs[1], off);
      const [gy, gz] = splitYZ(rows);
      return [{
        shader: 'dense', overrides: { ...ep.overrides, W_ARENA: wop.W_ARENA, VEC_W: m % 4 === 0 },
        weights: wop.weights, scaleShift: scaleShiftOf(step, m), reads: [x, ...wop.reads, ...ep.reads],
        groups: [Math.ceil(Math.ceil(m / 4) / 64), gy, gz],
        params: [k, m, rows, xo, yo, wop.wo, 0, 0, ...ep.epi],
      }];
    }
    case 'relu': case 'leaky_relu': case 'clamp': case 'tanh': case 'sigmoid': case 'round': case 'add': case 'mul': {
      const opCode = op.name === 'round' || op.name === 'add' || op.name === 'mul' ? ELEMENTWISE_OP[op.name] : ELEMENTWISE_OP.act;
      const act = opCode === ELEMENTWISE_OP.act ? actParams({ kind: UNARY_ACT[op.name], ...a } as Activation) : { code: 0, a: 0, b: 0 };
      const z = inputs[1];
      return [{
        shader: 'elementwise', overrides: { OP: opCode, ACT: act.code }, reads: z ? [x, z] : [x], groups: grid1d(Math.ceil(output.length / 4)),
        params: [output.length, xo, z ? off(z) : 0, yo, { f: act.a }, { f: act.b }, 0, 0],
      }];
    }
    case 'bias': case 'affine': case 'prelu': {
      const c = x.shape[x.shape.length - 1];
      const [p1, p2] = [inputs[1], inputs[2]];
      const weights: WeightSource = op.name === 'prelu' ? { tensor: p1 }
        : op.name === 'bias' ? { derived: 'bias-as-affine', from: [p1.data!], make: () => concat(new Float32Array(c).fill(1), p1.data!) }
        : { derived: 'affine', from: [p1.data!, p2.data!], make: () => concat(p1.data!, p2.data!) };
      return [{
        shader: 'channel', overrides: { OP: op.name === 'prelu' ? CHANNEL_OP.prelu : CHANNEL_OP.affine }, weights, reads: [x], groups: grid1d(output.length),
        params: [output.length, c, xo, yo],
      }];
    }
    case 'maxpool': case 'avgpool': {
      const [n, h, w, c] = x.shape;
      const [, oh, ow] = output.shape;
      const { kernel, stride } = a as { kernel: [number, number]; stride: [number, number] };
      const win = slidingWindow(op.name, h, w, kernel, stride, a.padding as Padding);
      const total = n * oh * ow * Math.ceil(c / 4);
      return [{
        shader: 'pool', overrides: { MAX: op.name === 'maxpool', VEC: c % 4 === 0 }, reads: [x], groups: grid1d(total),
        params: [h, w, c, oh, ow, kernel[0], kernel[1], stride[0], stride[1], { i: win.top }, { i: win.left }, total, xo, yo, 0, 0],
      }];
    }
    case 'global_mean': {
      const [n, h, w, c] = x.shape;
      return [{ shader: 'global_mean', overrides: {}, reads: [x], groups: grid1d(n * c), params: [h * w, c, n * c, xo, yo, 0, 0, 0] }];
    }
    case 'resize_bilinear': {
      const [n, h, w, c] = x.shape;
      const [, oh, ow] = output.shape;
      const total = n * oh * ow * Math.ceil(c / 4);
      return [{
        shader: 'resize_bilinear', overrides: { VEC: c % 4 === 0 }, reads: [x], groups: grid1d(total),
        params: [h, w, c, oh, ow, total, { f: h / oh }, { f: w / ow }, xo, yo, 0, 0],
      }];
    }
    case 'depth_to_space': case 'space_to_depth': {
      const d2s = op.name === 'depth_to_space';
      const [, h, w, c] = d2s ? output.shape : x.shape;
      return [{
        shader: 'depth_to_space', overrides: { D2S: d2s }, reads: [x], groups: grid1d(output.length),
        params: [h, w, c, a.block, output.length, xo, yo, 0],
      }];
    }
    case 'pad': {
      const [, h, w, c] = x.shape;
      const [, oh, ow, oc] = output.shape;
      const { pads, channels, value } = a as { pads: number[]; channels: number[]; value: number };
      return [{
        shader: 'pad', overrides: {}, reads: [x], groups: grid1d(output.length),
        params: [h, w, c, oh, ow, oc, pads[0], pads[2], channels[0], output.length, { f: value }, xo, yo, 0, 0, 0],
      }];
    }
    case 'concat': {
      const oc = output.shape[output.shape.length - 1];
      let at = 0;
      return inputs.map((t) => {
        const c = t.shape[t.shape.length - 1];
        const spec: KernelSpec = { shader: 'concat', overrides: {}, reads: [t], groups: grid1d(t.length), params: [c, oc, at, t.length, off(t), yo, 0, 0] };
        at += c;
        return spec;
      });
    }
    case 'slice': {
      const c = x.shape[x.shape.length - 1];
      const oc = output.shape[output.shape.length - 1];
      return [{ shader: 'slice', overrides: {}, reads: [x], groups: grid1d(output.length), params: [c, oc, a.start, output.length, xo, yo, 0, 0] }];
    }
  }
  throw new Error(`webgpu backend: no kernel for op "${op.name}" (node ${step.nodeIndex})`);
}

/** Shader source parts: the kernel, then common.wgsl, then epilogue.wgsl and weights.wgsl where they are used. */
export function shaderParts(name: string, sources: Readonly<Record<string, string>>): Array<{ file: string; text: string }> {
  const main = sources[name];
  if (main === undefined) throw new Error(`webgpu backend: no shader "${name}"`);
  const parts = [{ file: `wgsl/${name}.wgsl`, text: main }, { file: 'wgsl/common.wgsl', text: sources.common }];
  if (/\b(epilogue|activate)\(/.test(main)) parts.push({ file: 'wgsl/epilogue.wgsl', text: sources.epilogue });
  if (/\bwld4?\(/.test(main)) parts.push({ file: 'wgsl/weights.wgsl', text: sources.weights });
  return parts;
}

const PARTS = new Set(['common', 'epilogue', 'weights']);

/** Kernel shader names (every .wgsl except the appended parts). */
export function kernelShaderNames(sources: Readonly<Record<string, string>>): string[] {
  return Object.keys(sources).filter((s) => !PARTS.has(s));
}
