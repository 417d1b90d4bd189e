#!/usr/bin/env node
// The installed CLI: runs the compiled sources in lib/ (`npm run build`; `npm pack` builds first).
// In the repository, `npx tsx bench/cli.ts <command>` runs the same commands from host/ directly.
import { main } from '../lib/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
