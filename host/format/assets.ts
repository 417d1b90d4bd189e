// Files shipped with the package (weights/, kernels/dist/), located relative to this module. It sits two
// folders below the package root, as the bundles do (dist/node/, dist/browser/), so the same relative
// URL works from the sources and from a bundle.
export function assetUrl(relative: string): URL {
  return new URL(`../../${relative}`, import.meta.url);
}
