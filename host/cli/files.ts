// Reading input files for the CLI: size-checked before reading, errors prefixed with the file name.
import { readFile } from 'node:fs/promises';
import type { DecodeLimits } from '../codec/container.ts';
import { checkFileSize } from './limits.ts';

export async function readBytes(file: string, limits: DecodeLimits = {}): Promise<Uint8Array> {
  await checkFileSize(file, limits);
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

export const withFile = async <T>(file: string, f: () => Promise<T> | T): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
};
