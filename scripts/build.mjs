// esbuild: ESM bundles for Node (dist/node/) and browsers (dist/browser/). Both sit two folders deep
// so that the default model URL ../../weights/... resolves to the package's weights/ folder.
import { build } from 'esbuild';
import './gen-shaders.mjs'; // wgsl/*.wgsl -> host/backends/webgpu/shaders.generated.ts

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'info', legalComments: 'none' };
// thread.js: the worker_threads entry of `facecodec batch`, which the bundled cli.js starts from beside itself.
await build({ ...common, entryPoints: { facecodec: 'host/node.ts', cli: 'host/cli/main.ts', thread: 'host/batch/thread-main.ts' }, outdir: 'dist/node', platform: 'node', packages: 'external' });
await build({ ...common, entryPoints: { facecodec: 'host/index.ts' }, outdir: 'dist/browser', platform: 'browser', minify: true, external: ['node:*', 'webgpu'] });
