// Self-check for the competitor runners: each library's conv against a plain JS conv on the same data,
// then timings (warm-up 3, median of 10). cpu/wall > 1 shows that more than one thread did the work.
// Run: npx tsx bench/competitors/check.ts [--threads 2]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { initOrt, ortConv } from './ort-wasm.ts';
import { initTfjs, tfjsConv, tfjsRecognizer } from './tfjs-wasm.ts';
import { convFlops, convGeometry, randomConvData, type ConvCase, type ConvData, type Runner } from './types.ts';

const { values } = parseArgs({ options: { threads: { type: 'string', default: String(os.cpus().length) } } });
const threads = Number(values.threads);

/** Direct conv, NHWC x HWIO, in float64. */
function referenceConv(c: ConvCase, { x, w, b }: ConvData): Float32Array {
  const { oh, ow, pads: [pt, , pl] } = convGeometry(c);
  const cig = c.cin / c.groups, cog = c.cout / c.groups;
  const out = new Float32Array(c.n * oh * ow * c.cout);
  for (let n = 0; n < c.n; n++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let o = 0; o < c.cout; o++) {
    const g = Math.floor(o / cog);
    let acc = b[o];
    for (let ky = 0; ky < c.kh; ky++) {
      const iy = oy * c.stride + ky - pt;
      if (iy < 0 || iy >= c.h) continue;
      for (let kx = 0; kx < c.kw; kx++) {
        const ix = ox * c.stride + kx - pl;
        if (ix < 0 || ix >= c.w) continue;
        for (let i = 0; i < cig; i++) acc += x[((n * c.h + iy) * c.w + ix) * c.cin + g * cig + i] * w[((ky * c.kw + kx) * cig + i) * c.cout + o];
      }
    }
    out[((n * oh + oy) * ow + ox) * c.cout + o] = acc;
  }
  return out;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function time(r: Runner): Promise<{ ms: number; cpu: number }> {
  for (let i = 0; i < 3; i++) await r.run();
  const ms: number[] = [];
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await r.run();
    ms.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0), wall = performance.now() - t0;
  ms.sort((a, b) => a - b);
  return { ms: (ms[4] + ms[5]) / 2, cpu: (cpu.user + cpu.system) / 1000 / wall };
}

const tfThreads = await initTfjs(threads);
const ortThreads = await initOrt(threads);
console.log(`node ${process.version}, ${os.cpus().length} cpus; requested threads ${threads}: tfjs-wasm got ${tfThreads}, ort-wasm got ${ortThreads}`);

const cases: ConvCase[] = [
  { name: 'small 9x7 5->6 k3 s2 same', n: 1, h: 9, w: 7, cin: 5, cout: 6, kh: 3, kw: 3, stride: 2, padding: 'same', groups: 1 },
  { name: '3x3 64->64 56x56 pad1', n: 1, h: 56, w: 56, cin: 64, cout: 64, kh: 3, kw: 3, stride: 1, padding: [1, 1, 1, 1], groups: 1 },
  { name: 'small dw 4ch pad [0,1,1,0]', n: 1, h: 9, w: 7, cin: 4, cout: 4, kh: 3, kw: 3, stride: 1, padding: [0, 1, 1, 0], groups: 4 },
  { name: 'dw 3x3 32ch 28x28 s2 valid', n: 2, h: 28, w: 28, cin: 32, cout: 32, kh: 3, kw: 3, stride: 2, padding: 'valid', groups: 32 },
];
let ok = true;
for (const c of cases) {
  const data = randomConvData(c, 11);
  const ref = referenceConv(c, data);
  for (const [lib, make] of [['tfjs-wasm', tfjsConv], ['ort-wasm', ortConv]] as const) {
    const r = await make(c, data);
    const err = maxAbsDiff(await r.output(), ref);
    ok &&= err < 1e-3;
    const { ms, cpu } = await time(r);
    console.log(`${c.name.padEnd(28)} ${lib.padEnd(9)} max|err| ${err.toExponential(1)}  ${ms.toFixed(3).padStart(8)} ms  ${(convFlops(c) / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s  cpu/wall ${cpu.toFixed(2)}`);
    r.dispose();
  }
}
for (const batch of [1, 8]) {
  const r = await tfjsRecognizer(batch);
  const emb = await r.output();
  const { ms, cpu } = await time(r);
  console.log(`recognizer batch ${batch} tfjs-wasm: ${ms.toFixed(1)} ms (${(ms / batch).toFixed(1)} ms/image)  cpu/wall ${cpu.toFixed(2)}  embedding[0..2] ${Array.from(emb.slice(0, 3), (v) => v.toFixed(4)).join(' ')}`);
  r.dispose();
}
console.log(ok ? 'all outputs match the reference' : 'MISMATCH');
// tfjs's pthread workers and ORT's worker keep the event loop alive
process.exit(ok ? 0 : 1);
