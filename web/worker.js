// facecodec in a module Web Worker: the page stays responsive while the networks run. Start it with
//   const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
// and post { id, image, quality?, backend? } (image: {data, width, height, channels}); the answer is
// { id, png, restored, backend } or { id, error }. Models load on the first message (from the package
// root, next to the bundle); the codec is kept for the following ones.
import { activeBackend, createBackend, loadCodec } from '../dist/browser/facecodec.js';

let opening = null; // Promise<{ codec, backend, fallbackReason }> for the backend choice in openedFor
let openedFor = null;

async function open(choice) {
  // WebGPU works in workers too (navigator.gpu); WebAssembly threads need a cross-origin isolated page.
  let fallbackReason = null;
  const backend = choice === 'wasm'
    ? await createBackend('wasm')
    : await createBackend('webgpu', { fallback: choice === 'auto' ? 'wasm' : undefined, onFallback: (e) => { fallbackReason = e.message; } });
  return { codec: await loadCodec({ backend }), backend, fallbackReason: () => fallbackReason };
}

function describe({ backend, fallbackReason }) {
  const b = activeBackend(backend);
  const info = b.name === 'webgpu' ? { name: 'webgpu', adapter: b.adapterInfo } : { name: b.name, build: b.build, threads: b.threads };
  return { ...info, fallbackReason: fallbackReason() };
}

self.onmessage = async ({ data }) => {
  const { id, image, quality = 50, backend: choice = 'auto' } = data ?? {};
  try {
    if (!['auto', 'webgpu', 'wasm'].includes(choice)) throw new Error(`backend must be auto, webgpu or wasm (got ${JSON.stringify(choice)})`);
    if (!image || typeof image !== 'object') throw new Error('post { id, image: {data, width, height, channels}, quality?, backend? }');
    if (openedFor !== choice) {
      const old = opening && (await opening.catch(() => null));
      old?.codec.dispose();
      old?.backend.dispose?.(); // stops its worker threads
      opening = open(choice);
      openedFor = choice;
    }
    let opened;
    try {
      opened = await opening;
    } catch (e) {
      opening = openedFor = null; // let the next message try again
      throw e;
    }
    const t0 = performance.now();
    const png = await opened.codec.encode(image, { quality });
    const t1 = performance.now();
    const restored = await opened.codec.decode(png);
    const ms = { encode: t1 - t0, decode: performance.now() - t1 };
    self.postMessage({ id, png, restored, backend: describe(opened), crossOriginIsolated, ms }, [png.buffer, restored.data.buffer]);
  } catch (e) {
    self.postMessage({ id, error: e?.message ?? String(e) });
  }
};
