// Files shipped with the package (weights/, kernels/dist/), located relative to this module. It sits two
// folders below the package root, as the compiled lib/ and the browser bundle (dist/browser/) do, so the
// same relative URL works from the sources, the compiled code and a bundle.
//
// Where the module has no hierarchical address (a Cloudflare Worker's import.meta.url is "worker.js"),
// the default files have no location: the URL gets the scheme below, and reading it says to pass the
// file as bytes (readSource in source.ts).
export const UNRESOLVED_ASSET = 'facecodec-asset:';

export function assetUrl(relative: string): URL {
  try {
    return new URL(`../../${relative}`, import.meta.url);
  } catch {
    return new URL(`${UNRESOLVED_ASSET}${relative}`);
  }
}
