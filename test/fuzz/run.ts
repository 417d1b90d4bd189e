// npm run fuzz -- [--runs N] [--seed S] [target...]: the fuzz tests (test/fuzz/*.test.ts) with N
// inputs per property instead of CI's fixed count, e.g. `npm run fuzz -- --runs 100000 png-reader`.
// Prints each property's input count; a failure prints fast-check's shrunk counterexample and seed.
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } }, allowPositionals: true });
const env = { ...process.env, FUZZ_RUNS: values.runs!, ...(values.seed ? { FUZZ_SEED: values.seed } : {}) };
const targets = positionals.length ? positionals.map((t) => `test/fuzz/${t}`) : ['test/fuzz/'];
const root = path.join(import.meta.dirname, '../..');
const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/run.ts', ...targets], { cwd: root, env, stdio: 'inherit' });
process.exitCode = r.status ?? 1;
