// Reading a facecodec PNG's container without running a network: the fcHd header, the stored image,
// the compact code and, at the residual tier, the fcRs residual (residual.ts). `facecodec info` needs only this, so it loads no backend and no model.
import { CodecError, readPng, type GrayImage } from './png.ts';
import { decodeHeader, HEADER_CHUNK, type Header } from './header.ts';
import { bitDepthFor, filePlaneSize, isPooled, layoutOf, maxSample, planesToCode, type CodeLayout } from './layout.ts';
import { deltaFor, LEGACY_CONTRACT, type CodecContract } from './contract.ts';
import { decodeResidual, RESIDUAL_CHUNK, type ResidualInfo } from './residual.ts';

/** What decoding refuses before doing the work; each has a safe default. */
export interface DecodeLimits {
  /** Largest restored image, width x height (default 4096 x 4096). */
  maxPixels?: number;
  /** Longest file (default 64 MiB). */
  maxFileBytes?: number;
  /** Most PNG chunks, IHDR and IEND included (default 4096). */
  maxChunks?: number;
}

export const DEFAULT_MAX_PIXELS = 4096 * 4096;

export interface Container {
  header: Header;
  image: GrayImage;
  /** The dequantised compact code [h, w, 3]. */
  code: Float32Array;
  h: number;
  w: number;
  depth: number;
  layout: CodeLayout;
  /** The fcRs chunk's settings and its dequantised residual [height, width, 3] (RGB), if the file has one. */
  residual?: { info: ResidualInfo; rgb: Float32Array };
}

/**
 * The container without the model's contract: header, stored image, code size and layout, residual.
 * Enough to name the model that wrote a file (`facecodec info`, decode's model choice).
 */
export function readContainer(bytes: Uint8Array, limits: DecodeLimits | number = {}, factor = LEGACY_CONTRACT.factor): Omit<Container, 'code'> {
  const { maxPixels = DEFAULT_MAX_PIXELS, maxFileBytes, maxChunks } = typeof limits === 'number' ? { maxPixels: limits } : limits;
  const maxSamples = 3 * Math.ceil(maxPixels / (factor * factor)) + 3 * 4096;
  const { image, chunks } = readPng(bytes, { maxSamples, maxFileBytes, maxChunks });
  const hd = chunks.filter((c) => c.type === HEADER_CHUNK);
  if (hd.length === 0) throw new CodecError(`not a facecodec PNG: no ${HEADER_CHUNK} chunk`);
  if (hd.length > 1) throw new CodecError(`corrupt facecodec PNG: ${hd.length} ${HEADER_CHUNK} chunks`);
  const header = decodeHeader(hd[0].data, image, factor);
  if (header.width * header.height > maxPixels) throw new CodecError(`declared size ${header.width}x${header.height} is over the limit of ${maxPixels} pixels`);
  const h = Math.ceil(header.height / factor), w = Math.ceil(header.width / factor);
  const layout = layoutOf(header.flags);
  const size = filePlaneSize(header.flags, h, w);
  if (image.width !== size.width || image.height !== size.height) throw new CodecError(`PNG is ${image.width}x${image.height} but the header's ${header.width}x${header.height} needs ${size.width}x${size.height}`);
  const rs = chunks.filter((c) => c.type === RESIDUAL_CHUNK);
  if (rs.length > 1) throw new CodecError(`corrupt facecodec PNG: ${rs.length} ${RESIDUAL_CHUNK} chunks`);
  const residual = rs.length ? decodeResidual(rs[0].data, header.width, header.height) : undefined;
  return { header, image, h, w, depth: image.depth, layout, residual };
}

/** Reads the container and the compact code [h, w, 3] under a model's contract, without running a network. */
export function parseContainer(
  bytes: Uint8Array,
  limits: DecodeLimits | number = {},
  contract: Pick<CodecContract, 'factor' | 'deltaRange'> & Partial<Pick<CodecContract, 'pooled'>> = LEGACY_CONTRACT,
): Container {
  const c = readContainer(bytes, limits, contract.factor);
  const { header, image, h, w } = c;
  const pooled = header.quality <= (contract.pooled?.upTo ?? 0);
  if (isPooled(header.flags) !== pooled) throw new CodecError(`file stores ${pooled ? 'an unpooled' : 'a pooled'} code at quality ${header.quality}, which this model does not`);
  const delta = deltaFor(contract, header.quality);
  if (image.depth !== bitDepthFor(maxSample(header.flags, delta)) && image.depth !== 8) throw new CodecError(`bit depth ${image.depth} does not match quality ${header.quality}`);
  try {
    return { ...c, code: planesToCode(header.flags, image, h, w, delta) };
  } catch (e) {
    throw e instanceof CodecError ? new CodecError(`${e.message} (quality ${header.quality})`) : e;
  }
}

