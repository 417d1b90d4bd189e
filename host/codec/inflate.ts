// Bounded zlib inflate for the PNG reader: the output may never exceed what the image needs. The
// stream is fed to fflate a few hundred bytes at a time, so a decompression bomb is refused after at
// most ~1 KB x 1032 (deflate's largest ratio) bytes past the limit, never inflated in full. The
// zlib stream's Adler-32 is checked (fflate does not) and nothing may follow it.
import { Unzlib } from 'fflate';
import { CodecError } from './errors.ts';

/** Input bytes handed to the inflater per step: bounds how far one step can overshoot. */
const STEP = 1024;

/** Adler-32 of bytes (RFC 1950). */
export function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 3800); // keeps b below 2^53 before the modulo
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Inflates a zlib stream that must give exactly `expected` bytes; anything else is a CodecError. */
export function inflateExact(z: Uint8Array, expected: number): Uint8Array {
  if (z.length < 6) throw new CodecError(`corrupt PNG: image data is ${z.length} bytes, too short for a zlib stream`);
  const out = new Uint8Array(expected);
  let got = 0, ended = false;
  const inflater = new Unzlib((chunk, final) => {
    if (got + chunk.length > expected) throw new CodecError(`corrupt PNG: image data inflates to more than the ${expected} bytes the image needs`);
    out.set(chunk, got);
    got += chunk.length;
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < z.length; i += STEP) inflater.push(z.subarray(i, i + STEP), i + STEP >= z.length);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(`corrupt PNG: image data does not inflate (${(e as Error).message})`);
  }
  if (!ended || got !== expected) throw new CodecError(`corrupt PNG: image data inflates to ${got} bytes, expected ${expected}`);
  const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
  if (dv.getUint32(z.length - 4) !== adler32(out)) throw new CodecError('corrupt PNG: zlib checksum (Adler-32) mismatch in the image data');
  return out;
}
