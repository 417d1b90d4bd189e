// Detector-alignment tuning on LFW View 1 only (never View 2): detects faces in every image the View 1
// pairs reference at each detector input size (counting misses and images with several faces), then
// for each landmark-box configuration aligns from the detection nearest the image centre (a miss
// falls back to the central box), embeds, and prints the 10-fold accuracy on the View 1 pairs.
// Usage:
//   npx tsx bench/lfw-detect-tune.ts [--data DIR] [--view1 DIR] [--files pairsDevTest.txt] [--sizes 128] [scale,dy ...]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../host/image/codecs.ts';
import { createBackend } from '../host/backends/index.ts';
import { loadDetector, type Detection } from '../host/models/detector.ts';
import { loadLandmarks } from '../host/models/landmarks.ts';
import { alignBatch, centralBox } from '../host/models/align.ts';
import { alignDetections } from '../host/models/faces.ts';
import { loadRecognizer, distance } from '../host/models/recognizer.ts';
import { parsePairs, pairImages } from './eval/pairs.ts';
import { foldAccuracy, rocAuc } from './eval/metrics.ts';
import { centralDetection } from './eval/lfw-detect.ts';

const { values, positionals } = parseArgs({
  options: { data: { type: 'string', default: '../shared/data/lfw-deepfunneled' }, view1: { type: 'string', default: '../shared/data/lfw-pairs' }, files: { type: 'string' }, sizes: { type: 'string', default: '128' } },
  allowPositionals: true,
});
const pairs = (values.files ?? 'pairsDevTrain.txt,pairsDevTest.txt').split(',').flatMap((f) => parsePairs(readFileSync(path.join(values.view1!, f), 'utf8')).pairs);
const files = pairImages(pairs);
console.log(`View 1: ${pairs.length} pairs, ${files.length} images`);
const images = files.map((f) => decodeImage(readFileSync(path.join(values.data!, f))));
const backend = await createBackend('wasm');
const detector = await loadDetector({ backend });
const landmarks = await loadLandmarks({ backend });
const rec = await loadRecognizer({ backend });

for (const size of values.sizes!.split(',').map(Number)) {
  const t0 = performance.now();
  const dets: Detection[][] = [];
  for (let i = 0; i < images.length; i += 16) dets.push(...(await detector.detectBatch(images.slice(i, i + 16), { inputSize: size })));
  const ms = (performance.now() - t0) / images.length;
  const none = dets.filter((d) => d.length === 0).length, several = dets.filter((d) => d.length > 1).length;
  console.log(`input ${size}: ${ms.toFixed(1)} ms/image (batch 16); no face in ${none} images, several in ${several}`);
  for (const cfg of positionals.length ? positionals : ['1,0']) {
    const [scale, dy] = cfg.split(',').map(Number);
    const desc = new Map<string, Float32Array>();
    for (let i = 0; i < images.length; i++) {
      const image = images[i], d = centralDetection(dets[i], image.width, image.height);
      const chip = d ? (await alignDetections(landmarks, image, [d], { boxScale: scale, boxDy: dy }))[0].chip : (await alignBatch(landmarks, [{ image, box: centralBox(image.width, image.height) }]))[0].chip;
      desc.set(files[i], await rec.embed(chip));
    }
    const scored = pairs.map((p, i) => ({ distance: distance(desc.get(p.a)!, desc.get(p.b)!), same: p.same, fold: i % 10 }));
    const r = foldAccuracy(scored);
    console.log(`  box scale ${scale} dy ${dy}: accuracy ${(100 * r.mean).toFixed(2)}% +- ${(100 * r.std).toFixed(2)}, AUC ${rocAuc(scored).toFixed(4)}`);
  }
}
