// The kiosk's export file (web/kiosk-store.js), in Node: what exportPeople writes, parseExport reads back
// exactly; a file that is not an export, or any bad entry, is refused with a message naming it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { DEFAULT_MODEL_ID, loadCodec, MODEL_REGISTRY, parseContainer } from '../../host/codec/codec.ts';
import { pairNames } from '../../host/codec/models.ts';
import { decodeImage } from '../../host/image/codecs.ts';
// @ts-expect-error: plain browser JavaScript, no declarations
import { exportPeople, parseExport, EXPORT_FORMAT } from '../../web/kiosk-store.js';
import { throwsWith } from '../helpers.ts';

const codec = await loadCodec({ quality: 50 });
const png = await codec.encode(decodeImage(readFileSync(new URL('../../samples/Martha_Burk_0001.png', import.meta.url))));
codec.dispose();
const check = (bytes: Uint8Array) => parseContainer(bytes);
const people = [
  { name: 'Martha', png, descriptor: Float32Array.from({ length: 128 }, (_, i) => Math.sin(i)), enrolled: '2026-01-01T00:00:00.000Z' },
  { name: 'Ann Smith', png: png.slice(), descriptor: new Float32Array(128).fill(0.25), enrolled: '2026-01-02T00:00:00.000Z' },
];

test('export then import gives the same people, PNG bytes and descriptors exactly', async () => {
  const text = await (exportPeople(people) as Blob).text();
  assert.is(JSON.parse(text).format, EXPORT_FORMAT);
  const back = parseExport(text, 128, check);
  assert.equal(back.map((p: { name: string }) => p.name), ['Martha', 'Ann Smith']);
  back.forEach((p: { png: Uint8Array; descriptor: Float32Array; enrolled: string }, i: number) => {
    assert.equal(Array.from(p.png), Array.from(people[i].png));
    assert.equal(Array.from(p.descriptor), Array.from(people[i].descriptor));
    assert.is(p.enrolled, people[i].enrolled);
  });
});

test('not an export, or a bad entry: a clear error naming it', async () => {
  const good = JSON.parse(await (exportPeople(people) as Blob).text());
  const withEntry = (patch: Record<string, unknown>) => JSON.stringify({ ...good, people: [good.people[0], { ...good.people[1], ...patch }] });
  throwsWith(() => parseExport('not json', 128, check), /not a kiosk export \(the file is not JSON\)/);
  throwsWith(() => parseExport(JSON.stringify({ format: 'other', people: [] }), 128, check), /expected format "facecodec-kiosk-1"/);
  throwsWith(() => parseExport(withEntry({ name: '  ' }), 128, check), /entry 2.*name must be 1 to 100 characters/);
  throwsWith(() => parseExport(withEntry({ descriptor: [1, 2, 3] }), 128, check), /entry 2 \(Ann Smith\): the descriptor must be 128 numbers/);
  throwsWith(() => parseExport(withEntry({ png: btoa('not a png') }), 128, check), /entry 2 \(Ann Smith\): the PNG is not a facecodec file/);
});

test("the kiosk's service worker precaches the default model's files (its main pair's and its pooled tier's)", () => {
  const sw = readFileSync(new URL('../../web/kiosk-sw.js', import.meta.url), 'utf8');
  const model = MODEL_REGISTRY.find((m) => m.id === DEFAULT_MODEL_ID)!;
  const pairs = pairNames(model);
  for (const pair of pairs) for (const kind of ['compnet', 'recnet']) assert.ok(sw.includes(`'${kind}-${pair}'`), `web/kiosk-sw.js does not cache ${kind}-${pair}`);
});

test.run();
