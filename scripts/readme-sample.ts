// The README's sample `npm start` output, regenerated from the current default model:
//   npm run readme:sample          rewrites the block after "<!-- sample: npm start -->" in README.md
//   npx tsx scripts/readme-sample.ts   prints the fresh block and says whether the README's has drifted
// It runs the demo (from the sources) on the first bundled sample at the demo's default qualities; the
// file, quality, bytes, bpp, PSNR, dist and verdict columns are deterministic (test/readme/sample.test.ts
// compares them), the timings are not.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.join(import.meta.dirname, '..');
export const SAMPLE = 'George_Clooney_0001.png';
const MARKER = /(<!-- sample: npm start -->\n```\n)([\s\S]*?)(```\n)/;

/** The demo's table for SAMPLE: header and one row per quality, then "...". */
export function freshBlock(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fc-readme-'));
  try {
    copyFileSync(path.join(ROOT, 'samples', SAMPLE), path.join(dir, SAMPLE));
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/cli.ts'), 'demo', '--samples', dir, '--out', path.join(dir, 'out')], { cwd: ROOT, encoding: 'utf8' });
    const lines = out.split('\n').filter((l) => l.startsWith('file ') || l.startsWith(SAMPLE));
    return lines.join('\n') + '\n...\n';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readmeBlock(readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')): string {
  const m = MARKER.exec(readme);
  if (!m) throw new Error('README.md has no "<!-- sample: npm start -->" block');
  return m[2];
}

/** The deterministic columns of a table row (file q bytes bpp PSNR dist verdict); timings dropped. */
export function deterministic(block: string): string[] {
  return block.split('\n').filter((l) => l.startsWith(SAMPLE)).map((l) => l.trim().split(/\s+/).slice(0, 7).join(' '));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fresh = freshBlock();
  process.stdout.write(fresh);
  const file = path.join(ROOT, 'README.md');
  const readme = readFileSync(file, 'utf8');
  const same = JSON.stringify(deterministic(readmeBlock(readme))) === JSON.stringify(deterministic(fresh));
  if (process.argv.includes('--write')) {
    writeFileSync(file, readme.replace(MARKER, (_, a, _old, c) => a + fresh + c));
    console.log(same ? 'README.md: numbers unchanged (timings rewritten)' : 'README.md: sample output rewritten');
  } else if (!same) {
    console.log('README.md: the sample output has drifted; run npm run readme:sample');
    process.exitCode = 1;
  }
}
