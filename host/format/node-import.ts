// Imports a Node built-in at run time by a name that bundlers do not follow. Node-only paths (reading a
// file, switching on a V8 flag, starting worker_threads) sit behind a runtime check; this keeps their
// import() out of a consumer's browser or Workers bundle, so re-bundling dist/browser/facecodec.js with
// esbuild, Vite or webpack needs no externals or polyfills.
export function importNode<T>(name: `node:${string}`): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ name) as Promise<T>;
}
