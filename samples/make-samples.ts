// Regenerates the bundled sample chips from LFW deep-funneled images of people who appear in no
// LFW test pair (lfw-pairs/train-identity-disjoint.txt), aligned as the benchmark aligns them
// (68-point landmarks in the default central box, dlib's 150x150 chip).
// Run: npx tsx samples/make-samples.ts [--data ../shared/data/lfw-deepfunneled]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage, encodePng } from '../host/image/codecs.ts';
import { alignBatch, centralBox } from '../host/models/align.ts';
import { loadLandmarks } from '../host/models/landmarks.ts';

export const SAMPLE_SOURCES = [
  'George_Clooney/George_Clooney_0001.jpg',
  'George_Clooney/George_Clooney_0002.jpg',
  'Paul_Tagliabue/Paul_Tagliabue_0001.jpg',
  'Paul_Tagliabue/Paul_Tagliabue_0002.jpg',
  'Martha_Burk/Martha_Burk_0001.jpg',
  'Martha_Burk/Martha_Burk_0002.jpg',
];

const i = process.argv.indexOf('--data');
const data = i > 0 ? process.argv[i + 1] : path.join(import.meta.dirname, '../../shared/data/lfw-deepfunneled');
const detector = await loadLandmarks();
const images = await Promise.all(SAMPLE_SOURCES.map(async (src) => decodeImage(await readFile(path.join(data, src)))));
const chips = await alignBatch(detector, images.map((image) => ({ image, box: centralBox(image.width, image.height) })));
for (const [i, src] of SAMPLE_SOURCES.entries()) {
  const out = path.join(import.meta.dirname, path.basename(src).replace('.jpg', '.png'));
  await writeFile(out, encodePng(chips[i].chip));
  console.log(out);
}
detector.dispose();
