// What a payload coder stronger than PNG's deflate would be worth: each product-curve row's bytes
// scaled by (container + adaptive-coder payload estimate) / whole file at its quality, from
// bench/codec-bytes.ts --json (mean over the same chips), then Bjontegaard rates against JPEG2000 at
// equal accuracy and at equal PSNR, before and after. An estimate of a ceiling, not a codec.
//   npx tsx bench/codec-bytes-what-if.ts [--model v5] [--bytes bench/results/codec-bytes-model5.json]
//       [--results bench/results/lfw.json]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bdRate } from './eval/metrics.ts';
import { byCodec, formatBd, ratePoints, withEffort1 } from './eval/curves.ts';
import type { Row } from './eval/lfw.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'v5' },
    bytes: { type: 'string', default: 'bench/results/codec-bytes-model5.json' },
    results: { type: 'string', default: 'bench/results/lfw.json' },
  },
});

interface BytesRow { quality: number; file: number; container: number; adaptive_coder_payload_estimate: number }
const bytes: BytesRow[] = JSON.parse(readFileSync(values.bytes!, 'utf8'));
const all: Row[] = JSON.parse(readFileSync(values.results!, 'utf8'));
const product = withEffort1(values.model!, all);
const anchor = byCodec('jpeg2000')(all);
if (!product.length || !anchor.length) throw new Error(`${values.results} lacks facecodec-${values.model}@e1 or jpeg2000 rows`);

/** Never more than the file: where deflate already beats the estimate, the file stays as it is. */
const scale = (quality: number) => {
  const b = bytes.find((r) => r.quality === quality);
  if (!b) throw new Error(`${values.bytes} has no row for quality ${quality}`);
  return Math.min(1, (b.container + b.adaptive_coder_payload_estimate) / b.file);
};

const bd = (rows: Row[], key: 'accuracy' | 'psnr') => formatBd(bdRate(ratePoints(anchor, key), ratePoints(rows, key)));
const scaled = product.map((r) => ({ ...r, bpp: r.bpp * scale(r.setting) }));
console.log(`facecodec-${values.model} product curve (effort 1 where measured) vs jpeg2000, ${values.results}; bytes scaled by ${values.bytes}`);
console.log('| payload coder | qualities: bytes scale | vs jpeg2000 (accuracy) | vs jpeg2000 (PSNR) |');
console.log('|---|---|---|---|');
console.log(`| deflate (as shipped) | - | ${bd(product, 'accuracy')} | ${bd(product, 'psnr')} |`);
console.log(`| adaptive order-0 on MED residuals (estimate) | ${product.map((r) => `q${r.setting}: ${scale(r.setting).toFixed(3)}`).join(', ')} | ${bd(scaled, 'accuracy')} | ${bd(scaled, 'psnr')} |`);
