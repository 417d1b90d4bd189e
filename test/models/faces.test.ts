// Faces in whole images: detector -> landmarks -> dlib chip, on the synthetic scenes (several faces,
// one past the border, one tilted 25 degrees, none). Each chip must be the pasted person: the
// recognizer's distance to the bundled chip it was made from is under the same-person threshold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createBackend } from '../../host/backends/index.ts';
import { decodeImage } from '../../host/image/codecs.ts';
import { FaceFinder, landmarkBox, type FoundFace } from '../../host/models/faces.ts';
import { loadDetector } from '../../host/models/detector.ts';
import { loadLandmarks } from '../../host/models/landmarks.ts';
import { distance, loadRecognizer, SAME_PERSON_THRESHOLD } from '../../host/models/recognizer.ts';
import { SCENES, renderScene } from '../fixtures/detector-scenes.ts';

const backend = await createBackend('wasm');
const finder = new FaceFinder(await loadDetector({ backend }), await loadLandmarks({ backend }));
const rec = await loadRecognizer({ backend });
const sample = (f: string) => decodeImage(readFileSync(new URL(`../../samples/${f}`, import.meta.url)));
const found = new Map<string, FoundFace[]>();
for (const s of SCENES) found.set(s.name, await finder.find(renderScene(s)));

/** Eye-line angle in degrees (outer eye corners, points 36 and 45), clockwise on screen. */
const eyeAngle = (l: Float64Array) => (Math.atan2(l[45 * 2 + 1] - l[36 * 2 + 1], l[45 * 2] - l[36 * 2]) * 180) / Math.PI;

test('every pasted face is found, largest first, and each chip is that person', async () => {
  for (const s of SCENES) {
    const faces = found.get(s.name)!;
    assert.is(faces.length, s.faces.length, s.name);
    const expected = [...s.faces].sort((a, b) => b.side - a.side);
    for (let i = 0; i < faces.length; i++) {
      const { chip, detection } = faces[i];
      assert.is(chip.width, 150);
      if (i > 0) assert.ok(detection.box.width * detection.box.height <= faces[i - 1].detection.box.width * faces[i - 1].detection.box.height);
      const box = detection.box, p = expected[i];
      assert.ok(Math.abs(box.x + box.width / 2 - p.cx) < p.side / 3 && Math.abs(box.y + box.height / 2 - p.cy) < p.side / 3, `${s.name}: face ${i} at ${JSON.stringify(box)}`);
      const [a, b] = await rec.embedBatch([chip, sample(p.sample)]);
      assert.ok(distance(a, b) < SAME_PERSON_THRESHOLD, `${s.name}: chip ${i} is ${distance(a, b).toFixed(3)} from ${p.sample}`);
    }
  }
});

test('a face tilted 25 degrees: landmarks follow the tilt and the chip is upright', async () => {
  const [face] = found.get('tilted')!;
  const angle = eyeAngle(face.landmarks);
  assert.ok(Math.abs(angle - 25) < 6, `eye line at ${angle.toFixed(1)} degrees`);
  // In the chip the eyes are level again (landmarks of the chip itself, on the whole chip).
  const [again] = await finder.landmarks.detectBatch([{ image: face.chip, box: { x: 0, y: 0, width: 150, height: 150 } }]);
  assert.ok(Math.abs(eyeAngle(again)) < 6, `chip eye line at ${eyeAngle(again).toFixed(1)} degrees`);
});

test('no face: an empty list; maxFaces keeps the largest; the landmark box is square on the detection', async () => {
  assert.equal(found.get('empty'), []);
  const two = SCENES.find((s) => s.name === 'two-faces')!;
  const [only] = await finder.find(renderScene(two), { maxFaces: 1 });
  assert.equal(only.detection, found.get('two-faces')![0].detection);
  const b = landmarkBox({ score: 1, box: { x: 10, y: 20, width: 40, height: 60 }, keypoints: [] }, 1, 0);
  assert.equal(b, { x: 0, y: 20, width: 60, height: 60 });
});

test('a face too small for the 128 input is found by a fallback size', async () => {
  const small = renderScene({ name: 'small', width: 640, height: 480, faces: [{ sample: 'Martha_Burk_0001.png', cx: 400, cy: 200, side: 64, degrees: 0 }] });
  assert.is((await finder.find(small)).length, 0);
  const [face] = await finder.find(small, { fallbackSizes: [256, 512] });
  assert.ok(face && Math.abs(face.detection.box.x + face.detection.box.width / 2 - 400) < 20, JSON.stringify(face?.detection.box));
});

test.run();
