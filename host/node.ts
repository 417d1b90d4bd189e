// facecodec for Node: the library plus PNG/JPEG file codecs (our own PNG codec, jpeg-js).
export * from './index.ts';
export { decodeImage, encodePng, sniffFormat, type DecodeOptions } from './image/codecs.ts';
