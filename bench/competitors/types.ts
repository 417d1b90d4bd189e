// Shared shapes for the competitor runners (TensorFlow.js wasm, onnxruntime-web wasm).

export interface ConvCase {
  name: string;
  n: number; h: number; w: number;
  cin: number; cout: number;
  kh: number; kw: number;
  stride: number;
  padding: 'same' | 'valid' | [number, number, number, number] /* top,bottom,left,right */;
  groups: number /* 1 or cin (depthwise) */;
}

export interface Runner {
  /** one timed iteration; resolves when the result is computed (data read back or synced) */
  run(): Promise<void>;
  dispose(): void;
}

/** Conv operands in TensorFlow layouts, so every library sees the same numbers: x NHWC, w HWIO
 * [kh,kw,cin/groups,cout] (for depthwise that is the same memory as tf's [kh,kw,cin,cout/cin]), b [cout]. */
export interface ConvData { x: Float32Array; w: Float32Array; b: Float32Array }

/** A conv runner that can also hand back its result (NHWC) for checking. */
export interface ConvRunner extends Runner { output(): Promise<Float32Array> }

/** Output size and explicit pads [top,bottom,left,right]; 'same' follows TensorFlow's rule. */
export function convGeometry(c: ConvCase): { oh: number; ow: number; pads: [number, number, number, number] } {
  const axis = (size: number, k: number): [number, number, number] => {
    if (c.padding === 'valid') return [Math.floor((size - k) / c.stride) + 1, 0, 0];
    const out = Math.ceil(size / c.stride), total = Math.max((out - 1) * c.stride + k - size, 0);
    return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  if (Array.isArray(c.padding)) {
    const [t, b, l, r] = c.padding;
    return { oh: Math.floor((c.h + t + b - c.kh) / c.stride) + 1, ow: Math.floor((c.w + l + r - c.kw) / c.stride) + 1, pads: [t, b, l, r] };
  }
  const [oh, t, b] = axis(c.h, c.kh), [ow, l, r] = axis(c.w, c.kw);
  return { oh, ow, pads: [t, b, l, r] };
}

export const convFlops = (c: ConvCase): number => {
  const { oh, ow } = convGeometry(c);
  return 2 * c.n * oh * ow * c.cout * c.kh * c.kw * (c.cin / c.groups);
};

/** Deterministic uniform [-1,1) data (mulberry32), so runs and libraries are comparable. */
export function randomFloats(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  });
}

export const randomConvData = (c: ConvCase, seed = 1): ConvData => ({
  x: randomFloats(c.n * c.h * c.w * c.cin, seed),
  w: randomFloats(c.kh * c.kw * (c.cin / c.groups) * c.cout, seed + 1),
  b: randomFloats(c.cout, seed + 2),
});
