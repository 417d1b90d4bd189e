// The bottom of v4's range: at steps above its contract's lumaOnlyAbove a file stores the luma plane
// alone (header flag bit 2); readContainer names the model without a contract; the decoder refuses a
// file whose flag disagrees with its model's contract at its quality.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { encodeHeader, HEADER_CHUNK, loadCodec, parseContainer, readContainer, deltaFor, lumaOnlyAt, type Codec } from '../../host/codec/codec.ts';
import { FLAG_G420, FLAG_LUMA_ONLY } from '../../host/codec/layout.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { createHash } from 'node:crypto';
import { withChunkData } from '../../host/codec/png.ts';
import { CHROMA_BYTES, CHROMA_STEP, cellChroma, chromaCells } from '../../host/codec/chroma.ts';
import { toRgbFloat, type Image } from '../../host/image/image.ts';

const sample = decodeImage(readFileSync(new URL('../../samples/Paul_Tagliabue_0001.png', import.meta.url)));
let codec: Codec;
let top = 0; // the highest luma-only quality of the model

test.before(async () => {
  codec = await loadCodec({ backend: 'wasm', modelId: 5 });
  while (lumaOnlyAt(codec.contract, deltaFor(codec.contract, top + 1))) top++;
});
test.after(() => codec.dispose());

test('v4: luma only up to its threshold (a 1-bit PNG at quality 1), all planes above; both decode', async () => {
  assert.ok(top >= 1 && top < 100, `luma-only qualities 1..${top}`);
  for (const [quality, luma] of [[1, true], [top, true], [top + 1, false]] as const) {
    const file = await codec.encode(sample, { quality });
    const c = readContainer(file);
    assert.is(c.header.flags, luma ? FLAG_G420 | FLAG_LUMA_ONLY : FLAG_G420, `quality ${quality}`);
    assert.equal([c.image.width, c.image.height], luma ? [38, 38] : [38, 57]);
    if (quality === 1) assert.is(c.depth, 1);
    const { code } = parseContainer(file, {}, codec.contract);
    if (luma) for (let p = 0; p < 38 * 38; p++) assert.ok(code[p * 3] === code[p * 3 + 1] && code[p * 3 + 2] === code[p * 3 + 1]);
    const out = await codec.decode(file);
    assert.equal([out.width, out.height], [150, 150]);
  }
});

test('a luma-only file keeps the colour as chroma cells: the restoration is closer to the original than without them', async () => {
  const file = await codec.encode(sample, { quality: top });
  const c = readContainer(file);
  assert.is(c.header.chroma?.length, CHROMA_BYTES);
  const rgb = toRgbFloat(sample);
  assert.equal(Array.from(c.header.chroma!), Array.from(chromaCells(rgb, 150, 150)));
  const sse = (d: Uint8Array) => d.reduce((s, v, i) => s + (v - rgb[i]) ** 2, 0);
  // The same file with its cells dropped (as model v4 first wrote it) decodes to the learned tint.
  const bare = withChunkData(file, HEADER_CHUNK, encodeHeader({ ...c.header, chroma: undefined }));
  assert.is(bare.length, file.length - CHROMA_BYTES);
  const withCells = await codec.decode(file), without = await codec.decode(bare);
  assert.ok(sse(withCells.data) < 0.9 * sse(without.data), `${sse(withCells.data)} vs ${sse(without.data)}`);
  // The cells' mean chroma moves to the stored one (not exactly: the shift is interpolated between cells).
  const stored = cellChroma(c.header.chroma!);
  const err = (d: Image) => cellChroma(chromaCells(toRgbFloat(d), 150, 150)).reduce((s, v, i) => s + Math.abs(v - stored[i]), 0) / stored.length;
  assert.ok(err(withCells) <= CHROMA_STEP && err(withCells) < err(without) / 2, `mean cell error ${err(withCells)} vs ${err(without)} without cells`);
});

test('luma-only files written before the chroma cells (model v4 as first released) still decode, pixels pinned (v4 re-stored in F16: bench/results/f16-fidelity.md)', async () => {
  const dir = new URL('../fixtures/luma-only-v4/', import.meta.url);
  const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Array<{ file: string; bytes: number; decodedSha256: string }>;
  for (const e of expected) {
    const file = new Uint8Array(readFileSync(new URL(e.file, dir)));
    assert.is(file.length, e.bytes);
    assert.is(readContainer(file).header.chroma, undefined);
    const out = await codec.decode(file);
    assert.is(createHash('sha256').update(out.data).digest('hex'), e.decodedSha256, e.file);
  }
});

test('a luma-only file relabelled to a quality where the model stores all planes is refused', async () => {
  const file = await codec.encode(sample, { quality: top });
  const { header } = readContainer(file);
  const relabelled = withChunkData(file, HEADER_CHUNK, encodeHeader({ ...header, quality: top + 1 }));
  try {
    await codec.decode(relabelled);
    assert.unreachable('decoded');
  } catch (e) {
    assert.match((e as Error).message, new RegExp(`stores the luma plane only at quality ${top + 1}`));
  }
});

test.run();
