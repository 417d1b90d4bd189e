// Command-line parsing shared by every command: node:util parseArgs, strict, with its errors rethrown
// as the CLI's usage error (exit code 2).
import { parseArgs } from 'node:util';

export type Usage = new (m: string) => Error;
export type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** parseArgs (strict, positionals allowed) with its errors rethrown as the CLI's usage error. */
export function args<O extends Options>(argv: string[], options: O, Usage: Usage) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new Usage((e as Error).message);
  }
}
