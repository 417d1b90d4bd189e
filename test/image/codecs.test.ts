import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { decodeImage, encodePng } from '../../host/image/codecs.ts';
import { cropResize, toRgbFloat, resizeRgb } from '../../host/image/image.ts';
import { throwsWith } from '../helpers.ts';

const png = readFileSync(new URL('../../samples/Martha_Burk_0001.png', import.meta.url));

test('PNG decodes to RGBA; encodePng round-trips RGB exactly', () => {
  const img = decodeImage(png);
  assert.equal([img.width, img.height, img.channels], [150, 150, 4]);
  const again = decodeImage(encodePng(img));
  assert.equal(Array.from(again.data), Array.from(img.data));
});

test('JPEG decodes to RGB', () => {
  const rgba = new Uint8Array(16 * 8 * 4).fill(200);
  const bytes = jpeg.encode({ data: rgba, width: 16, height: 8 }, 90).data;
  const img = decodeImage(bytes);
  assert.equal([img.width, img.height, img.channels], [16, 8, 3]);
  assert.ok(Math.abs(img.data[0] - 200) <= 2);
});

test('corrupt, truncated, foreign and huge files are clear errors', () => {
  throwsWith(() => decodeImage(new TextEncoder().encode('GIF89a....')), /not a PNG or JPEG/);
  throwsWith(() => decodeImage(png.subarray(0, 200)), /corrupt PNG/);
  const flipped = Uint8Array.from(png);
  flipped[40] ^= 0xff; // inside IDAT: CRC mismatch
  throwsWith(() => decodeImage(flipped), /corrupt PNG/);
  const huge = Uint8Array.from(png);
  new DataView(huge.buffer).setUint32(16, 100000);
  new DataView(huge.buffer).setUint32(20, 100000);
  throwsWith(() => decodeImage(huge), /over the limit/);
  throwsWith(() => decodeImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2])), /corrupt JPEG/);
});

test('crop/resize helpers', () => {
  const img = { data: Uint8Array.from([0, 0, 0, 255, 255, 255]), width: 2, height: 1, channels: 3 };
  assert.equal(Array.from(toRgbFloat({ data: Uint8Array.from([7, 9]), width: 2, height: 1, channels: 1 })), [7, 7, 7, 9, 9, 9]);
  const up = resizeRgb(toRgbFloat(img), 2, 1, 4, 1);
  assert.equal(Array.from(up.filter((_, i) => i % 3 === 0)), [0, 63.75, 191.25, 255]);
  const chip = cropResize(img, { x: 0, y: 0, width: 2, height: 1 }, 2);
  assert.equal([chip.width, chip.height], [2, 2]);
  assert.equal(chip.data[0], 0);
  assert.equal(chip.data[3], 255);
});

test.run();
