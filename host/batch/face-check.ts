// "No face" for --align: there is no face detector, so a photo's face is taken from the central box
// (as `facecodec align`) and the 68 landmarks found there are checked against dlib's mean face. On a
// face they fit it closely after a similarity transform; on something else the landmark model still
// answers, but with a shape far from a face. Measured on 10 LFW photos: RMS misfit 0.022 to 0.040 (in
// units of the mean face's width); on noise, flat grey, a ramp, stripes and smooth blobs: 0.16 to 0.23.
// A heuristic: it rejects what is clearly not a face, not every photo without one.
import { DLIB_CHIP_POINTS, DLIB_MEAN_FACE_X, DLIB_MEAN_FACE_Y, applySimilarity, findSimilarityTransform } from '../models/align.ts';
import type { Landmarks } from '../models/landmarks.ts';

/** Largest RMS misfit of the landmarks to dlib's mean face accepted as a face. */
export const FACE_MISFIT_LIMIT = 0.08;

/** RMS distance of the landmarks (dlib's chip points) to the mean face, after the best similarity transform. */
export function faceMisfit(landmarks: Landmarks): number {
  const from: Array<[number, number]> = [], to: Array<[number, number]> = [];
  for (const i of DLIB_CHIP_POINTS) {
    from.push([landmarks[2 * i], landmarks[2 * i + 1]]);
    to.push([DLIB_MEAN_FACE_X[i - 17], DLIB_MEAN_FACE_Y[i - 17]]);
  }
  let t;
  try {
    t = findSimilarityTransform(from, to);
  } catch {
    return Infinity; // all points in one place
  }
  let s = 0;
  from.forEach(([x, y], k) => {
    const [u, v] = applySimilarity(t, x, y);
    s += (u - to[k][0]) ** 2 + (v - to[k][1]) ** 2;
  });
  return Math.sqrt(s / from.length);
}

/** Throws "no face found" when the landmarks do not make a face. */
export function checkFace(landmarks: Landmarks): void {
  const m = faceMisfit(landmarks);
  if (!(m <= FACE_MISFIT_LIMIT)) throw new Error(`no face found: the landmarks in the central box do not make a face (misfit ${m.toFixed(3)} > ${FACE_MISFIT_LIMIT})`);
}
