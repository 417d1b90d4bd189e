// Bounded zlib inflate for the PNG reader: the output may never exceed what the image needs. The
// stream is fed to fflate a few hundred bytes at a time, so a decompression bomb is refused after at
// most ~1 KB x 1032 (deflate's largest ratio) bytes past the limit, never inflated in full. The
// zlib stream's Adler-32 is checked (fflate does not) and nothing may follow it (fflate ignores it).
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

/**
 * Input bytes fflate left unread after the deflate stream's last block, Adler-32 excluded: fflate
 * ignores them (a duplicated IDAT, say, ends with a valid Adler-32 too). Read from its internals (the
 * unread input `p`, whose first byte is partly read when the bit position `s.p` is not on a byte).
 * Undefined where those are not there (another fflate): the file is then read as fflate reads it, and
 * the tests that refuse a duplicated IDAT (test/image/png.test.ts, test/fuzz/regressions.test.ts) fail.
 */
function bytesAfterStream(inflater: Unzlib): number | undefined {
  const st = inflater as unknown as { p?: unknown; s?: { p?: unknown } };
  if (!(st.p instanceof Uint8Array) || typeof st.s?.p !== 'number') return undefined;
  return st.p.length - (st.s.p & 7 ? 1 : 0);
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
  const after = bytesAfterStream(inflater);
  if (after !== undefined && after > 0) throw new CodecError(`corrupt PNG: ${after} bytes follow the zlib stream in the image data`);
  const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
  if (dv.getUint32(z.length - 4) !== adler32(out)) throw new CodecError('corrupt PNG: zlib checksum (Adler-32) mismatch in the image data');
  return out;
}
