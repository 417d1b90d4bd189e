#!/usr/bin/env node
// CLI entry: runs the TypeScript sources directly through tsx (no build step needed after npm install).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../host/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
