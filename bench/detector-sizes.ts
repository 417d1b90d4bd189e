// The smallest face the detector finds at each input size: a bundled chip pasted at the centre of a
// 640x480 frame (test/fixtures/detector-scenes.ts) at several sides, upright and tilted 30 degrees; prints
// the top score per case ("-" = no face). Usage: npx tsx bench/detector-sizes.ts [--sizes 128,256,512]
import { parseArgs } from 'node:util';
import { loadDetector } from '../host/models/detector.ts';
import { renderScene } from '../test/fixtures/detector-scenes.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '128,256,512' } } });
const det = await loadDetector();
const sides = [40, 60, 80, 100, 120, 160, 240, 360, 460];
console.log(`input  sample                      degrees  ${sides.map((s) => String(s).padStart(5)).join('')}   (pasted chip side, px)`);
for (const inputSize of values.sizes!.split(',').map(Number))
  for (const sample of ['George_Clooney_0001.png', 'Martha_Burk_0001.png', 'Paul_Tagliabue_0002.png'])
    for (const degrees of [0, 30]) {
      const row: string[] = [];
      for (const side of sides) {
        const [d] = await det.detect(renderScene({ name: 'size', width: 640, height: 480, faces: [{ sample, cx: 320, cy: 240, side, degrees }] }), { inputSize });
        row.push((d ? d.score.toFixed(2) : '-').padStart(5));
      }
      console.log(`${String(inputSize).padEnd(6)} ${sample.padEnd(27)} ${String(degrees).padStart(7)}  ${row.join('')}`);
    }
