// Would the fcHd chunk's 12 bytes of framing be saved by moving its data into the image itself? For
// each committed effort-1 file of the default model (bench/results/encoded/, LFW View 2, whole files
// as shipped), the file rewritten by writePng three ways from the same samples and the same depth
// choices: as shipped (the fcHd chunk), with the header bytes as extra rows on top of the image at the
// file's bit depth (no private chunk), and with no header at all (the floor). A byte count of the
// container, not a tuning run: no model or setting is chosen on these files.
//   npx tsx bench/header-in-image.ts [--files 200] [--pack-dir bench/results/encoded/facecodec-c2g3-4319df58-e4i1r0.1l2]
import { parseArgs } from 'node:util';
import { readPng, writePng, DEFAULT_READ_LIMITS, type GrayImage } from '../host/codec/png.ts';
import { HEADER_CHUNK } from '../host/codec/header.ts';
import { EncodedPack } from './eval/pack.ts';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '200' },
    'pack-dir': { type: 'string', default: 'bench/results/encoded/facecodec-c2g3-4319df58-e4i1r0.1l2' },
  },
});

/** The image with the header's bits (most significant first, depth bits per sample) as rows on top. */
function withHeaderRows(img: GrayImage, header: Uint8Array, depth: number): GrayImage {
  const samples = Math.ceil((header.length * 8) / depth), rows = Math.ceil(samples / img.width);
  const out = new Uint8Array((rows + img.height) * img.width);
  const bit = (i: number) => (i < header.length * 8 ? (header[i >> 3] >> (7 - (i & 7))) & 1 : 0);
  for (let k = 0; k < samples; k++) for (let j = 0; j < depth; j++) out[k] = (out[k] << 1) | bit(k * depth + j);
  out.set(img.samples, rows * img.width);
  return { width: img.width, height: img.height + rows, depth, samples: out };
}

console.log('| quality | files | bytes as shipped | rewritten with the fcHd chunk | header as image rows, no chunk | no header at all (floor) |');
console.log('|---|---|---|---|---|---|');
for (const q of [1, 13, 21, 36, 54, 90]) {
  const files = new EncodedPack(`${values['pack-dir']}/q${q}.pack`).all().slice(0, Number(values.files));
  const sum = [0, 0, 0, 0];
  for (const f of files) {
    const { image, chunks } = readPng(f, { ...DEFAULT_READ_LIMITS, maxSamples: 1 << 20 });
    const header = chunks.find((c) => c.type === HEADER_CHUNK)!.data;
    const depths = [...new Set([image.depth, 8])];
    sum[0] += f.length;
    sum[1] += writePng(depths.map((depth) => ({ ...image, depth })), [{ type: HEADER_CHUNK, data: header }]).length;
    sum[2] += writePng(depths.map((depth) => withHeaderRows(image, header, depth)), []).length;
    sum[3] += writePng(depths.map((depth) => ({ ...image, depth })), []).length;
  }
  console.log(`| ${q} | ${files.length} | ${sum.map((s) => (s / files.length).toFixed(1)).join(' | ')} |`);
}
