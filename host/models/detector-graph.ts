// MediaPipe BlazeFace (short range, "front") as our model: the graph itself is translated from the
// TensorFlow.js graph model by weights/convert-detector.ts and stored in the model file; this file holds
// the contract the decoder (detector.ts) relies on.
//
//   image [N,S,S,3] in 0..255, RGB (S = 128 as trained; a multiple of 16 works)
//   -> x / 127.5 - 1, a 5x5/2 conv, BlazeBlocks (depthwise 3x3 + pointwise 1x1, residual with max-pool and
//      channel padding when the size halves)
//   -> two heads: at stride 8 (S/8 x S/8 cells, 2 anchors each) and at stride 16 (S/16 x S/16 cells, 6 anchors
//      each); per anchor a score logit ("scores*", 1 value) and 16 regression values ("boxes*"): the box
//      centre's offset from the anchor centre, its width and height, and 6 keypoints (right eye, left eye,
//      nose tip, mouth centre, right ear tragion, left ear tragion) as offsets from the anchor centre, all in
//      input pixels.
// Output layout is NHWC [N, cells, cells, anchors * k], i.e. anchor-major within a cell, cells row by row.

export const DETECTOR_SIZE = 128;
/** Numbers per anchor in a boxes output: cx, cy, w, h, then 6 keypoints (x, y). */
export const DETECTOR_REGRESSION = 16;
export const DETECTOR_KEYPOINTS = 6;

export interface DetectorHead {
  /** Input pixels per cell. */
  stride: number;
  /** Anchors per cell (all of unit size, centred on the cell). */
  anchors: number;
  /** Our output names, and the source graph's (signature) output names they come from. */
  scores: string;
  boxes: string;
  tfScores: string;
  tfBoxes: string;
}

export const DETECTOR_HEADS: DetectorHead[] = [
  { stride: 8, anchors: 2, scores: 'scores8', boxes: 'boxes8', tfScores: 'Identity', tfBoxes: 'Identity_2' },
  { stride: 16, anchors: 6, scores: 'scores16', boxes: 'boxes16', tfScores: 'Identity_1', tfBoxes: 'Identity_3' },
];
