// Faces in any image: the detector finds boxes, the 68-point landmark model runs on a square box made
// from each detection, and dlib's chip transform cuts the 150x150 chip (align.ts). Faces come back
// largest first.
import { createBackend, type Backend, type BackendName } from '../backends/index.ts';
import type { ModelSource } from '../format/source.ts';
import { checkImage, type Image } from '../image/image.ts';
import { alignFace, type AlignOptions } from './align.ts';
import { loadDetector, type DetectOptions, type Detection, type FaceDetector } from './detector.ts';
import { boxFromLandmarks, loadLandmarks, type Box, type LandmarkDetector, type Landmarks } from './landmarks.ts';

/**
 * The landmark box from a detection: a square of LANDMARK_BOX_SCALE x the detection's longer side,
 * centred on it, moved down by LANDMARK_BOX_DY of that side. Chosen on LFW View 1's pairsDevTest
 * (`npx tsx bench/lfw-detect-tune.ts --files pairsDevTest.txt 1,0 1.15,0 0.9,0 1,0.05 1,-0.05`):
 * scale 1 and dy 0 gave 99.00%, the others 97.80% to 98.70%.
 */
export const LANDMARK_BOX_SCALE = 1;
export const LANDMARK_BOX_DY = 0;

/** For still photos (CLI align and encode): after the trained 128, try larger inputs for smaller faces. */
export const PHOTO_FALLBACK_SIZES = [256, 512];

export interface FoundFace {
  detection: Detection;
  /** The box the landmark model ran on (the last pass's). */
  box: Box;
  landmarks: Landmarks;
  /** dlib-style aligned chip (150x150 RGB by default). */
  chip: Image;
}

export interface FindOptions extends DetectOptions, AlignOptions {
  /** At most this many faces, the largest (default: all). */
  maxFaces?: number;
  /** Landmark passes: the first on the detection's box, each further one on a box refitted to the landmarks (default 1). */
  passes?: number;
  /**
   * Detector input sizes to try, in order, when the one before found no face (default none). BlazeFace at
   * 128 finds faces down to about 1/6 of the image's longer side; 256 about 1/10, 512 smaller still.
   */
  fallbackSizes?: number[];
  /** Overrides of LANDMARK_BOX_SCALE / LANDMARK_BOX_DY (for tuning). */
  boxScale?: number;
  boxDy?: number;
}

export function landmarkBox(d: Detection, scale = LANDMARK_BOX_SCALE, dy = LANDMARK_BOX_DY): Box {
  const side = Math.max(d.box.width, d.box.height) * scale;
  const cx = d.box.x + d.box.width / 2, cy = d.box.y + d.box.height / 2 + dy * side;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

const area = (d: Detection) => d.box.width * d.box.height;

/** Landmarks and chips for given detections of one image, in the order given. */
export async function alignDetections(landmarks: LandmarkDetector, image: Image, dets: Detection[], opts: FindOptions = {}): Promise<FoundFace[]> {
  let boxes = dets.map((d) => landmarkBox(d, opts.boxScale, opts.boxDy));
  let lms = await landmarks.detectBatch(boxes.map((box) => ({ image, box })));
  for (let p = 1; p < (opts.passes ?? 1); p++) {
    boxes = lms.map((l) => boxFromLandmarks(l));
    lms = await landmarks.detectBatch(boxes.map((box) => ({ image, box })));
  }
  return dets.map((detection, i) => ({ detection, box: boxes[i], landmarks: lms[i], chip: alignFace(image, lms[i], opts) }));
}

export class FaceFinder {
  constructor(readonly detector: FaceDetector, readonly landmarks: LandmarkDetector) {}

  /** Every face found, largest detection first; an empty array when there is none. */
  async find(image: Image, opts: FindOptions = {}): Promise<FoundFace[]> {
    checkImage(image);
    let dets = await this.detector.detect(image, opts);
    for (const inputSize of opts.fallbackSizes ?? []) if (dets.length === 0) dets = await this.detector.detect(image, { ...opts, inputSize });
    dets = dets.sort((a, b) => area(b) - area(a)).slice(0, opts.maxFaces ?? Infinity);
    return dets.length ? alignDetections(this.landmarks, image, dets, opts) : [];
  }

  dispose(): void {
    this.detector.dispose();
    this.landmarks.dispose();
  }
}

export interface FaceFinderOptions {
  backend?: Backend | BackendName;
  detector?: ModelSource;
  landmarks?: ModelSource;
}

/** The detector and the landmark model on one backend. */
export async function loadFaceFinder(opts: FaceFinderOptions = {}): Promise<FaceFinder> {
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'wasm');
  return new FaceFinder(await loadDetector({ backend, weights: opts.detector }), await loadLandmarks({ backend, weights: opts.landmarks }));
}
