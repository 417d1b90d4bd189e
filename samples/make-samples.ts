// Regenerates the bundled sample chips from LFW deep-funneled images of people who appear in no
// LFW test pair (lfw-pairs/train-identity-disjoint.txt). A fixed central box stands in for landmark
// alignment until the aligner exists.
// Run: npx tsx samples/make-samples.ts [--data ../shared/data/lfw-deepfunneled]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage, encodePng } from '../host/image/codecs.ts';
import { cropResize } from '../host/image/image.ts';

export const SAMPLE_SOURCES = [
  'George_Clooney/George_Clooney_0001.jpg',
  'George_Clooney/George_Clooney_0002.jpg',
  'Paul_Tagliabue/Paul_Tagliabue_0001.jpg',
  'Paul_Tagliabue/Paul_Tagliabue_0002.jpg',
  'Martha_Burk/Martha_Burk_0001.jpg',
  'Martha_Burk/Martha_Burk_0002.jpg',
];
/** Central box of a 250x250 deep-funneled LFW image. */
export const LFW_CENTRAL_BOX = { x: 65, y: 70, width: 120, height: 120 };

const i = process.argv.indexOf('--data');
const data = i > 0 ? process.argv[i + 1] : path.join(import.meta.dirname, '../../shared/data/lfw-deepfunneled');
for (const src of SAMPLE_SOURCES) {
  const chip = cropResize(decodeImage(await readFile(path.join(data, src))), LFW_CENTRAL_BOX, 150);
  const out = path.join(import.meta.dirname, path.basename(src).replace('.jpg', '.png'));
  await writeFile(out, encodePng(chip));
  console.log(out);
}
