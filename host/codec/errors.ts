// The codec's one error type: every refusal of bad input or a bad argument (corrupt file, over a
// limit, unknown model) is a CodecError whose message names what was wrong.
export class CodecError extends Error {
  override name = 'CodecError';
}
