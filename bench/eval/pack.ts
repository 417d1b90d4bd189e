// An append-only pack of encoded files, keyed by (setting, the chip's pixels): the checkpoint of a
// codec too slow to rerun in one session (facecodec at encode effort > 0 costs seconds per chip).
// Packs are small enough to commit (a few hundred bytes per file; bench/eval/codecs.ts keeps one pack
// per codec and quality), so a benchmark interrupted on one machine resumes on another from the repository.
//
// File layout: "FCPK" u8 version, then records of [u32 setting*1000][8-byte chip key][u32 length]
// [length bytes], little-endian. A record cut short by a killed run is dropped (and truncated away)
// when the pack is opened.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Image } from '../../host/image/image.ts';

const MAGIC = [0x46, 0x43, 0x50, 0x4b, 1]; // "FCPK" version 1
const RECORD_HEAD = 16;

export class EncodedPack {
  private files = new Map<string, Uint8Array>();

  constructor(readonly file: string) {
    if (!existsSync(file)) return;
    const buf = new Uint8Array(readFileSync(file));
    if (buf.length < MAGIC.length || MAGIC.some((b, i) => buf[i] !== b)) throw new Error(`${file} is not an encoded pack (bad magic)`);
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = MAGIC.length;
    while (p + RECORD_HEAD <= buf.length) {
      const len = v.getUint32(p + 12, true);
      if (p + RECORD_HEAD + len > buf.length) break;
      const key = `${v.getUint32(p, true)}:${hex(buf.subarray(p + 4, p + 12))}`;
      this.files.set(key, buf.slice(p + RECORD_HEAD, p + RECORD_HEAD + len));
      p += RECORD_HEAD + len;
    }
    if (p < buf.length) truncateSync(file, p); // a record cut short by a killed run
  }

  get size(): number {
    return this.files.size;
  }

  /** Every file in the pack, in the order they were written. */
  all(): Uint8Array[] {
    return [...this.files.values()];
  }

  /** Every record as [setting, chip key (hex), file], in the order they were written. */
  records(): Array<[number, string, Uint8Array]> {
    return [...this.files.entries()].map(([k, bytes]) => [Number(k.split(':')[0]) / 1000, k.split(':')[1], bytes]);
  }

  get(setting: number, chip: Image): Uint8Array | undefined {
    return this.files.get(`${settingKey(setting)}:${hex(chipKey(chip))}`);
  }

  put(setting: number, chip: Image, bytes: Uint8Array): void {
    this.putKey(setting, hex(chipKey(chip)), bytes);
  }

  /** put() for a chip known by its key (records()): the file another pack holds for it. */
  putKey(setting: number, keyHex: string, bytes: Uint8Array): void {
    const key = Uint8Array.from(Buffer.from(keyHex, 'hex'));
    if (key.length !== 8) throw new Error(`a chip key is 8 bytes, got "${keyHex}"`);
    const rec = new Uint8Array(RECORD_HEAD + bytes.length);
    const v = new DataView(rec.buffer);
    v.setUint32(0, settingKey(setting), true);
    rec.set(key, 4);
    v.setUint32(12, bytes.length, true);
    rec.set(bytes, RECORD_HEAD);
    if (!existsSync(this.file)) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, Uint8Array.from(MAGIC));
    }
    appendFileSync(this.file, rec);
    this.files.set(`${settingKey(setting)}:${keyHex}`, bytes);
  }
}

function settingKey(setting: number): number {
  if (!(setting >= 0 && setting < 4e6)) throw new Error(`setting ${setting} out of the pack's range`);
  return Math.round(setting * 1000);
}

/** The first 8 bytes of SHA-1 over the chip's size and pixels. */
function chipKey(chip: Image): Uint8Array {
  const h = createHash('sha1');
  h.update(`${chip.width}x${chip.height}x${chip.channels}:`);
  h.update(chip.data as Uint8Array);
  return new Uint8Array(h.digest().subarray(0, 8));
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
