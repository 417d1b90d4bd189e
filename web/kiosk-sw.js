// The kiosk's service worker: on install it caches everything the page needs (the page, its scripts,
// the browser bundle, the four WebAssembly kernel builds and the models: detector, landmarks, recognizer
// and the default codec model v7's two pairs, v6's files and its pooled tier's), then answers those
// requests from the cache first, so the kiosk keeps working offline after its first load. A new
// CACHE name (bump it when the files change) replaces the old cache on activation.
const CACHE = 'facecodec-kiosk-v3';
const FILES = [
  'kiosk.html', 'kiosk.js', 'kiosk-store.js',
  '../dist/browser/facecodec.js',
  ...['simd', 'simd-st', 'relaxed', 'relaxed-st'].map((b) => `../kernels/dist/kernels-${b}.wasm`),
  ...['face-detector-blazeface', 'landmarks-68', 'recognizer-dlib-r29', 'compnet-v6', 'recnet-v6', 'compnet-v7-pooled', 'recnet-v7-pooled'].map((m) => `../weights/${m}.safetensors`),
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('facecodec-kiosk-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET') return;
  // The page may be opened with a query (?backend=wasm): match the cached page without it.
  event.respondWith(caches.match(event.request, { ignoreSearch: true }).then((hit) => hit ?? fetch(event.request)));
});
