// The kiosk tests' fake camera: a Y4M video (what Chromium's --use-file-for-fake-video-capture plays, in
// a loop) of one bundled face chip pasted on a plain background, drifting a little from frame to frame.
// Run directly to write one: npx tsx test/browser/kiosk-video.ts <sample.png> <out.y4m>
import { writeFileSync } from 'node:fs';
import type { Image } from '../../host/image/image.ts';
import { renderScene } from '../fixtures/detector-scenes.ts';

export const VIDEO_WIDTH = 640;
export const VIDEO_HEIGHT = 480;
export const VIDEO_FRAMES = 12;

/** Frame i of the video of `sample`: the chip at 210 px, its centre moving on a small circle. */
export function videoFrame(sample: string, i: number): Image {
  const t = (2 * Math.PI * i) / VIDEO_FRAMES;
  return renderScene({ name: 'camera', width: VIDEO_WIDTH, height: VIDEO_HEIGHT, faces: [{ sample, cx: 320 + 12 * Math.cos(t), cy: 230 + 8 * Math.sin(t), side: 210, degrees: 4 * Math.sin(t) }] });
}

/** RGB frames -> Y4M 4:2:0 (full-range BT.601, "C420jpeg"). */
export function y4m(frames: Image[]): Uint8Array {
  const { width: w, height: h } = frames[0];
  const head = new TextEncoder().encode(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`);
  const frameBytes = 6 + w * h + 2 * (w / 2) * (h / 2);
  const out = new Uint8Array(head.length + frames.length * frameBytes);
  out.set(head);
  frames.forEach((f, k) => {
    let o = head.length + k * frameBytes;
    out.set(new TextEncoder().encode('FRAME\n'), o);
    o += 6;
    const px = (x: number, y: number, c: number) => f.data[(y * w + x) * f.channels + c];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[o + y * w + x] = Math.round(0.299 * px(x, y, 0) + 0.587 * px(x, y, 1) + 0.114 * px(x, y, 2));
    o += w * h;
    const q = (w / 2) * (h / 2);
    for (let y = 0; y < h / 2; y++)
      for (let x = 0; x < w / 2; x++) {
        let r = 0, g = 0, b = 0;
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
          r += px(2 * x + dx, 2 * y + dy, 0) / 4; g += px(2 * x + dx, 2 * y + dy, 1) / 4; b += px(2 * x + dx, 2 * y + dy, 2) / 4;
        }
        const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
        out[o + y * (w / 2) + x] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        out[o + q + y * (w / 2) + x] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
  });
  return out;
}

export const sampleVideo = (sample: string) => y4m(Array.from({ length: VIDEO_FRAMES }, (_, i) => videoFrame(sample, i)));

if (import.meta.url === `file://${process.argv[1]}`) {
  const [sample, out] = process.argv.slice(2);
  if (!sample || !out) throw new Error('usage: npx tsx test/browser/kiosk-video.ts <sample.png> <out.y4m>');
  writeFileSync(out, sampleVideo(sample));
}
