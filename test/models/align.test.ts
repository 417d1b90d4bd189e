import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applySimilarity, centralBox, chipToImage, DLIB_CHIP_POINTS, DLIB_MEAN_FACE_X, DLIB_MEAN_FACE_Y, extractChip, faceChipDetails, findSimilarityTransform } from '../../host/models/align.ts';
import { close } from '../helpers.ts';

/** 68 landmarks whose points 17..67 are the template at (size, padding) mapped through f. */
function templateLandmarks(f: (x: number, y: number) => [number, number], size = 150, padding = 0.25): Float64Array {
  const pts = new Float64Array(136);
  for (let i = 17; i < 68; i++) {
    const [x, y] = f(((padding + DLIB_MEAN_FACE_X[i - 17]) / (2 * padding + 1)) * size, ((padding + DLIB_MEAN_FACE_Y[i - 17]) / (2 * padding + 1)) * size);
    pts[2 * i] = x;
    pts[2 * i + 1] = y;
  }
  return pts;
}

test('dlib point set: 27..67 without the lower lip (33 points)', () => {
  assert.is(DLIB_CHIP_POINTS.length, 33);
  assert.is(DLIB_CHIP_POINTS[0], 27);
  assert.not.ok(DLIB_CHIP_POINTS.some((i) => (i >= 55 && i <= 59) || i >= 65 || i < 27));
  assert.is(DLIB_MEAN_FACE_X.length, 51);
  assert.is(DLIB_MEAN_FACE_Y.length, 51);
});

test('findSimilarityTransform recovers a known similarity exactly, and is least squares under noise', () => {
  const t = { a: 1.3 * Math.cos(0.4), b: 1.3 * Math.sin(0.4), tx: 17, ty: -5 };
  const from: Array<[number, number]> = [[0, 0], [10, 3], [-4, 8], [7, -9], [2, 2]];
  const to = from.map(([x, y]) => applySimilarity(t, x, y));
  const r = findSimilarityTransform(from, to);
  close([r.a, r.b, r.tx, r.ty], [t.a, t.b, t.tx, t.ty], 1e-12);
  // Symmetric noise on two opposite points leaves the fit unchanged.
  const noisy = to.map((p) => [...p] as [number, number]);
  noisy[1][0] += 0.5;
  noisy[3][0] -= 0.5;
  const r2 = findSimilarityTransform(from, noisy);
  assert.ok(Math.abs(Math.hypot(r2.a, r2.b) - 1.3) < 0.05);
  assert.throws(() => findSimilarityTransform([[1, 1], [1, 1]], [[0, 0], [1, 1]]), /same/);
});

test('faceChipDetails: template landmarks give the identity chip; a rotated, scaled, shifted face is undone', () => {
  const id = faceChipDetails(templateLandmarks((x, y) => [x, y]));
  close([id.cx, id.cy, id.angle, id.step], [75, 75, 0, 1], 1e-9);
  // dlib's chip pixel 0 and 149 land on the rect's corners: 74.5 +- 74.5 about the centre 75.
  close(chipToImage(id, 0, 0), [0.5, 0.5], 1e-9);
  close(chipToImage(id, 149, 149), [149.5, 149.5], 1e-9);
  const s = 0.8, th = -0.3;
  const f = (x: number, y: number): [number, number] => [s * (Math.cos(th) * x - Math.sin(th) * y) + 40, s * (Math.sin(th) * x + Math.cos(th) * y) + 12];
  const d = faceChipDetails(templateLandmarks(f));
  close([d.angle, d.step], [th, (150 * s - 1) / 149], 1e-9);
  close([d.cx, d.cy], f(75, 75), 1e-9);
  // dlib's convention: template point q lands on chip pixel 74.5 + (q - 75) * scale / step, and that
  // chip pixel maps back to where the face put q.
  for (const i of DLIB_CHIP_POINTS) {
    const qx = ((0.25 + DLIB_MEAN_FACE_X[i - 17]) / 1.5) * 150, qy = ((0.25 + DLIB_MEAN_FACE_Y[i - 17]) / 1.5) * 150;
    const [x, y] = chipToImage(d, 74.5 + ((qx - 75) * s) / d.step, 74.5 + ((qy - 75) * s) / d.step);
    const [ex, ey] = f(qx, qy);
    assert.ok(Math.hypot(x - ex, y - ey) < 1e-9, `point ${i}: ${x},${y} vs ${ex},${ey}`);
  }
  assert.throws(() => faceChipDetails(new Float64Array(10)), /68 landmarks/);
});

test('extractChip samples bilinearly at the mapped positions and blacks out what lies outside', () => {
  // Image value = 2x + y (red), 100 (green), x (blue): bilinear sampling is exact on it.
  const w = 200, h = 180, data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([Math.min(255, (x + y) >> 1), 100, x], (y * w + x) * 3);
  const img = { data, width: w, height: h, channels: 3 };
  const d = { size: 150, cx: 100, cy: 90, angle: Math.PI / 2, step: 0.5 };
  const chip = extractChip(img, d);
  assert.is(chip.width, 150);
  for (const [u, v] of [[0, 0], [10, 140], [75, 75], [149, 3]]) {
    const [x, y] = chipToImage(d, u, v);
    const o = (v * 150 + u) * 3;
    assert.ok(Math.abs(chip.data[o + 2] - x) <= 0.5, `blue at ${u},${v}: ${chip.data[o + 2]} vs ${x}`);
    assert.is(chip.data[o + 1], 100);
  }
  // A chip centred off the image's left edge is black there.
  const off = extractChip(img, { size: 150, cx: 0, cy: 90, angle: 0, step: 1 });
  assert.is(off.data[(75 * 150 + 10) * 3 + 1], 0);
  assert.is(off.data[(75 * 150 + 140) * 3 + 1], 100);
});

test('centralBox is a centred square, shifted down', () => {
  const b = centralBox(250, 250, 0.5, 0.04);
  close([b.x, b.y, b.width, b.height], [62.5, 72.5, 125, 125], 1e-12);
});

test.run();
