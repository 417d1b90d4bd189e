// facecodec info: what a facecodec PNG's container says (model, quality, size, bytes, code layout, a
// luma-only file's chroma cells, the residual chunk if any). It reads the container only, so it loads no backend and no network (a quick
// start matters here).
import { args, type Usage } from './args.ts';
import { readBytes, withFile } from './files.ts';
import { limitsFrom, LIMIT_FLAGS, LIMITS_USAGE } from './limits.ts';
import { readContainer } from '../codec/container.ts';
import { MODELS } from '../codec/models.ts';
import { isLumaOnly, isPooled } from '../codec/layout.ts';
import { CHROMA_GRID } from '../codec/chroma.ts';
import { RESIDUAL_CHUNK, type ResidualInfo } from '../codec/residual.ts';

const residualText = (r: ResidualInfo) =>
  `${RESIDUAL_CHUNK}, ${r.bytes} bytes: luma step ${r.luma}, chroma step ${r.chroma} at ${r.halfChroma ? 'half' : 'full'} resolution, ${r.predictor} prediction`;

export async function infoCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { json: { type: 'boolean', default: false }, ...LIMIT_FLAGS }, Usage);
  if (positionals.length === 0) throw new Usage(`usage: facecodec info <file.png...> [--json] ${LIMITS_USAGE}`);
  const limits = { maxPixels: 65535 * 65535, ...limitsFrom(values, Usage) };
  for (const file of positionals) {
    const bytes = await readBytes(file, limits);
    const { header, h, w, depth, layout, residual } = await withFile(file, () => readContainer(bytes, limits));
    const info = {
      file,
      model: MODELS[header.modelId] ? `${MODELS[header.modelId]} (#${header.modelId})` : `#${header.modelId} (unknown to this build)`,
      weights_hash: header.weightsHash.toString(16).padStart(header.hashBits / 4, '0'),
      container: `version ${header.version}`,
      quality: residual?.info.quality ?? header.quality,
      width: header.width,
      height: header.height,
      bytes: bytes.length,
      bpp: +((bytes.length * 8) / (header.width * header.height)).toFixed(4),
      code: `${w}x${h}x${isLumaOnly(header.flags) ? '1 (luma plane only)' : '3'}${isPooled(header.flags) ? ` stored pooled 2x2 (${Math.ceil(w / 2)}x${Math.ceil(h / 2)}x3)` : ''} at quality ${header.quality}, layout ${layout}, ${depth}-bit PNG samples`,
      ...(isLumaOnly(header.flags) && { chroma: header.chroma ? `${CHROMA_GRID}x${CHROMA_GRID} cells of mean Cb, Cr` : 'none (the model\'s tint)' }),
      residual: residual ? residualText(residual.info) : 'none',
    };
    console.log(values.json ? JSON.stringify(info) : Object.entries(info).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  }
  return 0;
}
