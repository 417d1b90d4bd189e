// The contract every op fulfils. An op has exactly one output; layout is NHWC float32
// (channels innermost, so per-pixel channel vectors are contiguous: SIMD lanes and vec4 loads run
// along C, and per-channel epilogues are a stride-1 walk).

/** Concrete shape, e.g. [N, H, W, C] for images, [N, K] for vectors. */
export type Shape = number[];
export type RawAttrs = Record<string, unknown>;

export class OpError extends Error {
  override name = 'OpError';
}

export interface OpDef<A = unknown> {
  readonly name: string;
  /** Allowed number of inputs [min, max]. */
  readonly arity: readonly [number, number];
  /** Validate and normalise the JSON attributes; throws OpError naming the bad attribute. */
  parseAttrs(raw: RawAttrs): A;
  /** Output shape for these input shapes; throws OpError when they do not fit together. */
  inferShape(inputs: Shape[], attrs: A): Shape;
  /**
   * Plain TypeScript reference: the oracle for every backend.
   * Writes every element of `out` (which may hold garbage on entry) and nothing else.
   */
  ref(inputs: Float32Array[], shapes: Shape[], out: Float32Array, outShape: Shape, attrs: A): void;
  /** Multiply-adds x2, for GFLOP/s reports; 0 when not meaningful. */
  flops?(shapes: Shape[], outShape: Shape, attrs: A): number;
  /**
   * Ops that slide a window (conv, pool and their gradients): the window for these input shapes, the
   * one the shape rule and the reference use. The planner resolves it once per step (Step.window), so
   * no backend recomputes it.
   */
  window?(inputs: Shape[], attrs: A): Window;
}

export const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export function fail(op: string, msg: string): never {
  throw new OpError(`${op}: ${msg}`);
}

export function expectRank(op: string, what: string, s: Shape, rank: number): void {
  if (s.length !== rank) fail(op, `${what} must have rank ${rank}, got [${s.join(', ')}]`);
}

/** Checks that attrs has only the listed keys (a typo in a graph should not be silently ignored). */
export function onlyKeys(op: string, raw: RawAttrs, keys: string[]): void {
  for (const k of Object.keys(raw)) if (!keys.includes(k)) fail(op, `unknown attribute "${k}" (allowed: ${keys.join(', ') || 'none'})`);
}

export function intAttr(op: string, raw: RawAttrs, key: string, def: number | undefined, min = 0): number {
  const v = raw[key] ?? def;
  if (v === undefined) fail(op, `missing attribute "${key}"`);
  if (!Number.isSafeInteger(v) || (v as number) < min) fail(op, `attribute "${key}" must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

export function numAttr(op: string, raw: RawAttrs, key: string, def?: number): number {
  const v = raw[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(op, `attribute "${key}" must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** An integer or [a, b] of integers >= min, returned as a pair. */
export function pairAttr(op: string, raw: RawAttrs, key: string, def: number | [number, number] | undefined, min = 1): [number, number] {
  const v = raw[key] ?? def;
  if (v === undefined) fail(op, `missing attribute "${key}"`);
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isSafeInteger(d) && d >= min)) {
    fail(op, `attribute "${key}" must be an integer or [h, w] of integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

/** 'same' | 'valid' | [top, bottom, left, right]. */
export type Padding = 'same' | 'valid' | [number, number, number, number];

export function paddingAttr(op: string, raw: RawAttrs, key = 'padding', def: Padding = 'valid'): Padding {
  const v = raw[key] ?? def;
  if (v === 'same' || v === 'valid') return v;
  if (Array.isArray(v) && v.length === 4 && v.every((d) => Number.isSafeInteger(d) && d >= 0)) return v as Padding;
  return fail(op, `attribute "${key}" must be "same", "valid" or [top, bottom, left, right], got ${JSON.stringify(v)}`);
}

/** A sliding window resolved for one input size. */
export interface Window {
  /** [KH, KW] */
  kernel: [number, number];
  /** [SH, SW] */
  stride: [number, number];
  /** Output height and width. */
  outH: number;
  outW: number;
  /** Padding rows above / columns left of the input (conv_transpose2d: cropped from the full output). */
  top: number;
  left: number;
}

/** Output size and leading pads of a sliding window (TensorFlow's rule for 'same'). */
export function slidingWindow(op: string, inH: number, inW: number, k: [number, number], s: [number, number], p: Padding): Window {
  let top: number, left: number, outH: number, outW: number;
  if (p === 'same') {
    outH = Math.ceil(inH / s[0]);
    outW = Math.ceil(inW / s[1]);
    top = Math.floor(Math.max((outH - 1) * s[0] + k[0] - inH, 0) / 2);
    left = Math.floor(Math.max((outW - 1) * s[1] + k[1] - inW, 0) / 2);
  } else {
    const [t, b, l, r] = p === 'valid' ? [0, 0, 0, 0] : p;
    outH = Math.floor((inH + t + b - k[0]) / s[0]) + 1;
    outW = Math.floor((inW + l + r - k[1]) / s[1]) + 1;
    top = t;
    left = l;
  }
  if (!(outH >= 1 && outW >= 1)) fail(op, `window ${k[0]}x${k[1]} does not fit input ${inH}x${inW} with padding ${JSON.stringify(p)}`);
  return { kernel: [k[0], k[1]], stride: [s[0], s[1]], outH, outW, top, left };
}

/** Per-channel parameter vector check: shape [C]. */
export function expectChannelVector(op: string, what: string, s: Shape, c: number): void {
  if (s.length !== 1 || s[0] !== c) fail(op, `${what} must have shape [${c}], got [${s.join(', ')}]`);
}
