// What an install costs: the packed tarball installed into an empty project with
// `npm install --omit=dev --omit=optional` (size on disk, by part), the cold start of the installed CLI
// (`facecodec info <file>`: median of several runs after warm-up, against `node -e 0` in the same
// process as the baseline, both directly and through npx), and the browser runtime (npm run size).
//   npm run bench:package [-- --runs 15]      writes bench/results/package.md and package.json
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureBundle, RUNTIME_BUDGET_GZ } from '../scripts/bundle-size.ts';
import { DEFAULT_MODEL_ID, MODEL_REGISTRY, MODELS } from '../host/codec/models.ts';
import { parseSafetensors } from '../host/format/safetensors.ts';

const ROOT = path.join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, out: { type: 'string', default: path.join(ROOT, 'bench/results/package') } } });
const RUNS = Number(values.runs);
const SIZE_BUDGET = 15 * 1000 * 1000;
const START_BUDGET_MS = 300;

/** The installed CompNet/RecNet pairs by name (compnet-<name>.safetensors), and whether they are stored in F16. */
function pairFiles(pkg: string): Array<{ name: string; f16: boolean }> {
  const dir = path.join(pkg, 'weights');
  return readdirSync(dir).flatMap((f) => {
    const m = /^compnet-(.+)\.safetensors$/.exec(f);
    if (!m) return [];
    const tensors = [...parseSafetensors(new Uint8Array(readFileSync(path.join(dir, f)))).tensors.values()];
    return [{ name: m[1], f16: tensors.some((t) => t.dtype === 'F16') }];
  });
}

/** Bytes of the regular files under dir (apparent size, not blocks), optionally filtered by path. */
function bytesUnder(dir: string, keep: (rel: string) => boolean = () => true): number {
  let sum = 0;
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = lstatSync(path.join(dir, rel));
    if (st.isFile() && keep(rel)) sum += st.size;
  }
  return sum;
}

/** Each installed dependency's bytes (scoped ones by their scope/name), the largest first, small ones summed. */
function dependencySizes(nm: string): Array<[string, number]> {
  const names = readdirSync(nm).filter((n) => !n.startsWith('.') && n !== 'facecodec').flatMap((n) => (n.startsWith('@') ? readdirSync(path.join(nm, n)).map((m) => `${n}/${m}`) : [n]));
  const rows = names.map((n): [string, number] => [n, bytesUnder(path.join(nm, n))]).sort((a, b) => b[1] - a[1]);
  const big = rows.filter(([, b]) => b >= 200_000);
  const rest = rows.filter(([, b]) => b < 200_000);
  return [...big.map(([n, b]): [string, number] => [`dependency ${n}`, b]), [`${rest.length} other dependencies (${rest.map(([n]) => n).join(', ')})`, rest.reduce((a, [, b]) => a + b, 0)]];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Wall and CPU (user + sys of the process tree, from the shell's `times`) milliseconds of one run. */
function time(cmd: string, args: string[], cwd: string): { wall: number; cpu: number } {
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const t = performance.now();
  const r = spawnSync('/bin/sh', ['-c', `${quoted} >/dev/null 2>&1 || exit 1; times`], { cwd, encoding: 'utf8' });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  const children = r.stdout.trim().split('\n')[1].split(/\s+/);
  const secs = (v: string) => { const m = /(\d+)m([\d.]+)s/.exec(v)!; return 60 * Number(m[1]) + Number(m[2]); };
  return { wall, cpu: 1000 * (secs(children[0]) + secs(children[1])) };
}

/** Runs the cases interleaved (so load drifts hit all alike): 2 warm-up rounds, then RUNS timed ones. */
function startTimes(cases: Record<string, [string, string[]]>, cwd: string): Record<string, { wall: number; cpu: number }> {
  const ms: Record<string, Array<{ wall: number; cpu: number }>> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round < RUNS + 2; round++) {
    for (const [k, [cmd, args]] of Object.entries(cases)) {
      const t = time(cmd, args, cwd);
      if (round >= 2) ms[k].push(t);
    }
  }
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, { wall: median(v.map((x) => x.wall)), cpu: median(v.map((x) => x.cpu)) }]));
}

const tmp = mkdtempSync(path.join(tmpdir(), 'facecodec-bench-package-'));
try {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const tgz = path.join(tmp, execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!);
  const app = path.join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{"name":"consumer","private":true,"type":"module"}');
  execFileSync('npm', ['install', '--omit=dev', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error', tgz], { cwd: app, stdio: 'inherit' });
  const nm = path.join(app, 'node_modules');
  const pkg = path.join(nm, 'facecodec');
  const total = bytesUnder(nm);
  const pairs = pairFiles(pkg);
  const parts: Array<[string, number]> = [
    ['weights/recognizer-dlib-r29.safetensors (recognizer)', bytesUnder(path.join(pkg, 'weights'), (f) => f.startsWith('recognizer'))],
    [`weights/compnet-*, recnet-* (codec models ${MODEL_REGISTRY.map((m) => m.name).join(', ')}: ${pairs.length} pairs of files)`, bytesUnder(path.join(pkg, 'weights'), (f) => /^(compnet|recnet)-/.test(f))],
    ['weights/landmarks-68.safetensors', bytesUnder(path.join(pkg, 'weights'), (f) => f.startsWith('landmarks'))],
    ['weights/face-detector-blazeface.safetensors', bytesUnder(path.join(pkg, 'weights'), (f) => f.startsWith('face-detector'))],
    ['lib/ (compiled .js and .d.ts)', bytesUnder(path.join(pkg, 'lib'))],
    ['dist/browser/ (the bundle; its map is left out)', bytesUnder(path.join(pkg, 'dist'))],
    ['kernels/dist/*.wasm (4 builds)', bytesUnder(path.join(pkg, 'kernels'))],
    ['samples/, web/, weights/*.md, package.json, README', bytesUnder(pkg, (f) => /^(samples|web)\//.test(f) || /\.md$/.test(f) || f === 'package.json')],
    ...dependencySizes(nm),
  ];

  // Cold start: a facecodec PNG made by the installed CLI.
  const bin = path.join(nm, '.bin/facecodec');
  copyFileSync(path.join(ROOT, 'samples/George_Clooney_0001.png'), path.join(app, 'face.png'));
  execFileSync(bin, ['encode', 'face.png', '-o', 'face.fc.png'], { cwd: app });
  const start = startTimes(
    {
      'node -e 0 (baseline)': [process.execPath, ['-e', '0']],
      'facecodec info face.fc.png (node_modules/.bin)': [bin, ['info', 'face.fc.png']],
      'npx facecodec info face.fc.png': ['npx', ['facecodec', 'info', 'face.fc.png']],
      'npx --version (npx alone)': ['npx', ['--version']],
    },
    app,
  );
  const browser = measureBundle(ROOT);

  const mb = (b: number) => (b / 1e6).toFixed(2);
  const base = start['node -e 0 (baseline)'];
  const verdict = (what: string, ms: number) => `${what}: ${ms.toFixed(0)} ms wall, budget ${START_BUDGET_MS} ms ${ms <= START_BUDGET_MS ? 'met' : `missed by ${(ms - START_BUDGET_MS).toFixed(0)} ms`}`;
  const md = [
    '# Package: install size, CLI cold start, browser runtime',
    '',
    `Measured by \`npm run bench:package\` (bench/package.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, npm ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()}, 2 shared cores (load average ${(await import('node:os')).loadavg()[0].toFixed(1)} at the end; other jobs run here, so times are upper bounds).`,
    '',
    '## Installed size',
    '',
    `\`npm install --omit=dev --omit=optional facecodec-*.tgz\` in an empty project: **${mb(total)} MB** in node_modules (apparent file sizes; budget ${mb(SIZE_BUDGET)} MB: ${total <= SIZE_BUDGET ? 'met' : `missed by ${mb(total - SIZE_BUDGET)} MB`}). Tarball: ${mb(lstatSync(tgz).size)} MB.`,
    '',
    '| part | MB | share |',
    '|---|---|---|',
    ...parts.map(([what, b]) => `| ${what} | ${mb(b)} | ${((100 * b) / total).toFixed(1)}% |`),
    '',
    `Of the package itself, the recognizer (dlib ResNet-29, F32) dominates; the codec models' pairs stay so`,
    `that files written by every released model decode (the default is ${MODELS[DEFAULT_MODEL_ID]}). Stored in F32: ${pairs.filter((p) => !p.f16).map((p) => p.name).join(', ') || 'none'}; in F16`,
    `(weights/store-f16.ts: half the bytes; decodes within 1 level of F32, bench/results/f16-fidelity.md): ${pairs.filter((p) => p.f16).map((p) => p.name).join(', ') || 'none'}.`,
    '',
    '## Cold start',
    '',
    `Median of ${RUNS} runs after 2 warm-up runs, the cases interleaved (wall time of the whole process):`,
    '',
    '| command | wall ms | vs node -e 0 | CPU ms (user + sys) | vs node -e 0 |',
    '|---|---|---|---|---|',
    ...Object.entries(start).map(([k, v]) => `| ${k} | ${v.wall.toFixed(0)} | ${(v.wall / base.wall).toFixed(2)}x | ${v.cpu.toFixed(0)} | ${(v.cpu / base.cpu).toFixed(2)}x |`),
    '',
    verdict('npx facecodec info', start['npx facecodec info face.fc.png'].wall) + '; ' + verdict('the installed bin alone', start['facecodec info face.fc.png (node_modules/.bin)'].wall) + ' (npx itself costs the `npx --version` row; wall times here include waiting for the shared cores).',
    '',
    '## Browser runtime',
    '',
    `\`npm run size\`: bundle + one kernel build = ${browser.runtimeGzip} bytes gzipped (${(browser.runtimeGzip / 1024).toFixed(1)} KB; budget ${RUNTIME_BUDGET_GZ / 1024} KB: ${browser.runtimeGzip <= RUNTIME_BUDGET_GZ ? 'met' : 'missed'}).`,
    '',
  ].join('\n');
  writeFileSync(values.out + '.md', md);
  writeFileSync(values.out + '.json', JSON.stringify({ installedBytes: total, tarballBytes: lstatSync(tgz).size, parts: Object.fromEntries(parts), startMs: start, runs: RUNS, browserRuntimeGzip: browser.runtimeGzip }, null, 1) + '\n');
  process.stdout.write(md);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
