// Kernel signatures (host/backends/signature.ts; the wasm table in host/backends/wasm/signatures.ts, the
// WebGPU one in host/backends/webgpu/signatures.ts): the writers' types reject wrong arguments, the
// writers lay slots out in table order and reject what types cannot catch, the tables are well formed,
// every op has a wasm and a WebGPU lowering, a WGSL uniform struct comes out of a table, and every
// shader's generated Params and op-code constants are those of its table entry and host/ops/codes.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { NULL_PTR, packArgs, wgslStruct, type Ptr } from '../../host/backends/signature.ts';
import { KERNELS, WASM_KERNELS, writeArgs } from '../../host/backends/wasm/signatures.ts';
import { WASM_OPS } from '../../host/backends/wasm/lower/index.ts';
import { ARG_SLOTS } from '../../host/backends/wasm/memory.ts';
import { OPS } from '../../host/ops/index.ts';
import * as CODES from '../../host/ops/codes.ts';
import { ACT_CODE, POOL_KIND } from '../../host/ops/codes.ts';
import { WEBGPU_KERNELS, writeParams, type WebGPUKernel } from '../../host/backends/webgpu/signatures.ts';
import { WEBGPU_OPS } from '../../host/backends/webgpu/lower/index.ts';
import { PARAMS, SHADERS } from '../../host/backends/webgpu/shaders.generated.ts';
import { kernelShaderNames, partsOf } from '../../host/backends/webgpu/shaders.ts';

const root = path.join(import.meta.dirname, '../..');

test('a missing, misspelt or mistyped kernel argument does not compile (signature-types.ts)', () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const flags = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--allowImportingTsExtensions', '--types', 'node', '--lib', 'es2022'];
  const r = spawnSync(process.execPath, [tsc, ...flags, path.join(root, 'test/backends/signature-types.ts')], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test('writeArgs lays the arguments out in table order: ints, pointers, codes, f32 bit patterns, bools', () => {
  const p = (n: number) => n as Ptr;
  const slots = writeArgs('pool_x4', { x: p(4096), out: p(8192), N: 2, H: 9, W: 7, C: 5, OH: 4, OW: 3, KH: 3, KW: 2, SH: 2, SW: 2, PT: -1, PL: 1, kind: 'avg' });
  assert.equal([...slots], [4096, 8192, 2, 9, 7, 5, 4, 3, 3, 2, 2, 2, -1, 1, POOL_KIND.avg]);
  const u = writeArgs('unary_x4', { x: p(64), out: p(128), op: 'act', act: 'clamp', p0: -0.25, p1: 0.5 });
  assert.equal([...u.slice(0, 4)], [64, 128, 0, ACT_CODE.clamp]);
  assert.equal([...new Float32Array(u.buffer, 16, 2)], [-0.25, 0.5]);
  assert.equal([...writeArgs('weight_transpose', { w: p(64), out: p(128), KH: 3, KW: 3, A: 4, B: 8, flip: true })].at(-1), 1);
});

test('packArgs rejects what the types cannot: fractions, negative sizes, out-of-range ints, unknown codes, missing values', () => {
  const sig = WASM_KERNELS.global_mean_x4;
  const ok = { x: NULL_PTR, out: NULL_PTR, HW: 4, C: 3 };
  assert.throws(() => packArgs('global_mean_x4', sig, { ...ok, HW: 2.5 }), /global_mean_x4: argument HW must be an integer in \[0, 2147483647\], got 2.5/);
  assert.throws(() => packArgs('global_mean_x4', sig, { ...ok, C: -1 }), /argument C must be an integer/);
  assert.throws(() => packArgs('global_mean_x4', sig, { ...ok, x: 2 ** 32 }), /argument x must be an integer in \[0, 4294967295\]/);
  assert.throws(() => packArgs('global_mean_x4', sig, { x: NULL_PTR, out: NULL_PTR, HW: 4 }), /argument C must be an integer.*got undefined/);
  assert.throws(() => packArgs('pool_grad_x1', WASM_KERNELS.pool_grad_x1, { kind: 'mean' }), /argument x must be/);
  const pool = { x: NULL_PTR, out: NULL_PTR, N: 1, H: 1, W: 1, C: 1, OH: 1, OW: 1, KH: 1, KW: 1, SH: 1, SW: 1, PT: 0, PL: 0 };
  assert.throws(() => packArgs('pool_x4', WASM_KERNELS.pool_x4, { ...pool, kind: 'mean' }), /argument kind must be one of max, avg \(POOL_KIND\), got mean/);
  assert.throws(() => packArgs('pool_x4', WASM_KERNELS.pool_x4, { ...pool, kind: 'toString' }), /argument kind must be one of max, avg/);
});

test('the table: at most ARG_SLOTS parameters, distinct identifier names, a documented meaning', () => {
  assert.ok(KERNELS.length >= 20);
  for (const k of KERNELS) {
    const names = WASM_KERNELS[k].params.map((p) => p.name);
    assert.ok(names.length <= ARG_SLOTS, `${k}: ${names.length} parameters`);
    assert.is(new Set(names).size, names.length, `${k}: duplicate parameter name`);
    for (const p of WASM_KERNELS[k].params) {
      assert.match(p.name, /^[A-Za-z_][A-Za-z0-9_]*$/, `${k}.${p.name}`);
      assert.ok(!['args', 'start', 'end'].includes(p.name), `${k}.${p.name} shadows the kernel's own parameters`);
      assert.ok(p.doc.length > 0, `${k}.${p.name} has no doc`);
    }
  }
});

test('every op of the graph format has a wasm lowering and a WebGPU lowering', () => {
  assert.equal([...WASM_OPS].sort(), [...OPS.keys()].sort());
  assert.equal([...WEBGPU_OPS].sort(), [...OPS.keys()].sort());
});

test('the WebGPU table: one entry per kernel shader, at most 64 fields (the 256-byte params slot), distinct names, documented', () => {
  assert.equal(Object.keys(WEBGPU_KERNELS).sort(), kernelShaderNames(SHADERS).sort());
  for (const [k, sig] of Object.entries(WEBGPU_KERNELS)) {
    const names = sig.params.map((p) => p.name);
    assert.ok(names.length <= 64, `${k}: ${names.length} fields`);
    assert.is(new Set(names).size, names.length, `${k}: duplicate field name`);
    for (const p of sig.params) {
      assert.match(p.name, /^[a-z][a-z0-9_]*$/, `${k}.${p.name}`);
      assert.ok(p.doc.length > 0, `${k}.${p.name} has no doc`);
    }
  }
});

test('writeParams: Params words in table order, f32 fields as bit patterns, negative i32 pads', () => {
  const p = (n: number) => n as Ptr;
  const words = writeParams('pool', { xo: p(64), yo: p(4096), h: 9, w: 7, c: 5, oh: 4, ow: 3, kh: 3, kw: 2, sy: 2, sx: 2, top: -1, left: 1, total: 24 });
  assert.equal([...words], [64, 4096, 9, 7, 5, 4, 3, 3, 2, 2, 2, -1, 1, 24]);
  const e = writeParams('elementwise', { xo: p(0), zo: p(0), yo: p(64), n: 10, p0: -0.25, p1: 6 });
  assert.equal([...new Float32Array(e.buffer, 16, 2)], [-0.25, 6]);
  assert.throws(() => writeParams('pool', { ...{ xo: p(0), yo: p(0), h: 1, w: 1, c: 1, oh: 1, ow: 1, kh: 1, kw: 1, sy: 1, sx: 1, top: 0, left: 0 }, total: -1 }), /kernel pool: argument total must be an integer/);
});

test("each shader's generated part: its table entry as struct Params, and the op codes it and its parts name", () => {
  const strip = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const k of Object.keys(WEBGPU_KERNELS) as WebGPUKernel[]) {
    const main = SHADERS[k];
    assert.ok(!/\bstruct\s+Params\b/.test(strip(main)), `wgsl/${k}.wgsl declares struct Params`);
    assert.ok(PARAMS[k].includes(wgslStruct(WEBGPU_KERNELS[k])), `${k}: generated Params differ from the table`);
    const code = strip([main, ...partsOf(main).map((part) => SHADERS[part])].join('\n'));
    for (const [table, codes] of Object.entries(CODES)) {
      for (const [name, value] of Object.entries(codes as Record<string, number>)) {
        const named = new RegExp(`\\b${table}_${name}\\b`).test(code);
        assert.is(PARAMS[k].includes(`const ${table}_${name} = ${value}u;`), named, `${k}: ${table}_${name}`);
      }
    }
  }
});

test('no WGSL compares an op-code override with a literal number', () => {
  for (const [name, src] of Object.entries(SHADERS)) {
    assert.not.match(src, /\b(OP|ACT)\s*[!=]=\s*\d/, `${name}.wgsl`);
    for (const m of src.matchAll(/switch\s+(\w+)\s*\{([^]*?)\n\s*\}/g)) {
      if (['OP', 'ACT'].includes(m[1])) assert.not.match(m[2], /case\s+\d/, `${name}.wgsl: switch ${m[1]}`);
    }
  }
});

test('a WGSL uniform struct from a signature: slot order, pointers as u32 offsets, padded to 16 bytes', () => {
  assert.is(
    wgslStruct(WASM_KERNELS.unary_x4, 'UnaryParams'),
    'struct UnaryParams {\n  x: u32, out: u32, op: u32, act: u32,\n  p0: f32, p1: f32, pad0: u32, pad1: u32,\n}\n',
  );
  assert.is(
    wgslStruct(WASM_KERNELS.pool_x4),
    'struct Params {\n  x: u32, out: u32, N: u32, H: u32,\n  W: u32, C: u32, OH: u32, OW: u32,\n  KH: u32, KW: u32, SH: u32, SW: u32,\n  PT: i32, PL: i32, kind: u32, pad0: u32,\n}\n',
  );
});

test.run();
