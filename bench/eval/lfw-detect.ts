// LFW with detector boxes: LFW's images are centred on the labelled person, so of the faces found the
// one whose box centre is nearest the image centre is taken (others are bystanders); an image with no
// face found falls back to the central box (align.ts centralBox), and the benchmark counts both cases.
import type { Detection } from '../../host/models/detector.ts';

export function centralDetection(dets: Detection[], width: number, height: number): Detection | undefined {
  let best: Detection | undefined, bestD = Infinity;
  for (const d of dets) {
    const dist = Math.hypot(d.box.x + d.box.width / 2 - width / 2, d.box.y + d.box.height / 2 - height / 2);
    if (dist < bestD) {
      best = d;
      bestD = dist;
    }
  }
  return best;
}
