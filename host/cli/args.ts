// Command-line parsing shared by every command: node:util parseArgs, strict, with its errors rethrown
// as the CLI's usage error (exit code 2).
import { parseArgs } from 'node:util';

export type Usage = new (m: string) => Error;
export type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** What parseArgs returns for these options (named so that the compiled .d.ts can state it). */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** parseArgs (strict, positionals allowed) with its errors rethrown as the CLI's usage error. */
export function args<O extends Options>(argv: string[], options: O, Usage: Usage): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new Usage((e as Error).message);
  }
}
