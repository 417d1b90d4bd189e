// The kiosk: the camera's faces found live (boxes over the video), enrol a person (best of a few frames,
// aligned, compressed with facecodec; the PNG and the descriptor of the chip restored from it are stored
// in IndexedDB under a name), verify (the live face against everyone enrolled: best match, distance,
// verdict), list/delete, export/import the store as a file. Nothing leaves the page; a service worker
// (kiosk-sw.js) keeps the page, the bundle, the kernels and the models for offline use.
// URL parameters: ?backend=auto|webgpu|wasm (default auto) &size=<detector input, a multiple of 16; 128>.
// Tests read window.kiosk (state, fps, faces, people, result, error) and <body data-state>.
import {
  activeBackend, alignDetections, createBackend, distance, loadCodec, loadDetector, loadLandmarks, loadRecognizer, parseContainer, SAME_PERSON_THRESHOLD, DESCRIPTOR_LENGTH,
} from '../dist/browser/facecodec.js';
import { exportPeople, openStore, parseExport } from './kiosk-store.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const choice = ['auto', 'webgpu', 'wasm'].includes(params.get('backend')) ? params.get('backend') : 'auto';
const SIZE = Math.max(16, Math.round((Number(params.get('size')) || 128) / 16) * 16);
const QUALITY = 50;
const CAPTURE_FRAMES = 5; // enrol/verify take the best-scoring of this many frames
const kiosk = (window.kiosk = { state: 'loading', fps: 0, frames: 0, faces: [], people: [], result: null, error: null, backend: null });

function setState(state, message, isError = false) {
  kiosk.state = document.body.dataset.state = state;
  $('status').textContent = message;
  $('status').className = isError ? 'error' : '';
}

async function startModels() {
  const threads = crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)) : 1;
  let fallbackReason = null;
  const backend = choice === 'wasm'
    ? await createBackend('wasm', { wasm: { threads } })
    : await createBackend('webgpu', { fallback: choice === 'auto' ? 'wasm' : undefined, wasm: { threads }, onFallback: (e) => { fallbackReason = e.message; } });
  const [detector, landmarks, recognizer, codec] = await Promise.all([loadDetector({ backend }), loadLandmarks({ backend }), loadRecognizer({ backend }), loadCodec({ backend, quality: QUALITY })]);
  await detector.detect({ data: new Uint8Array(SIZE * SIZE * 3), width: SIZE, height: SIZE, channels: 3 }, { inputSize: SIZE }); // compile / warm up
  const active = activeBackend(backend);
  const what = active.name === 'webgpu' ? `WebGPU (${active.adapterInfo})` : `WebAssembly (${active.threads} thread${active.threads > 1 ? 's' : ''})`;
  kiosk.backend = { name: active.name, fallbackReason };
  $('backend').textContent = `Backend: ${what}${fallbackReason ? `; WebGPU unavailable: ${fallbackReason}` : ''}`;
  return { detector, landmarks, recognizer, codec };
}

/** The camera's stream, or an Error whose message says plainly what is wrong. */
async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser gives this page no camera (it needs a secure context: https or localhost).');
  try {
    return await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  } catch (e) {
    if (e.name === 'NotAllowedError' || e.name === 'SecurityError') throw new Error('Camera access was refused. Allow the camera for this site and reload the page.');
    if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError') throw new Error('No camera was found. Connect a camera and reload the page.');
    throw new Error(`The camera could not be started: ${e.message || e.name}`);
  }
}

// ---- frames and the live loop --------------------------------------------------------------------------

const video = $('video');
const grab = (w, h) => {
  const canvas = new OffscreenCanvas(w, h), ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, w, h);
  return { data: ctx.getImageData(0, 0, w, h).data, width: w, height: h, channels: 4 };
};

/** Faces in the current frame, detected on a copy scaled down to the detector's input; boxes in video pixels. */
async function detectFrame(models) {
  const W = video.videoWidth, H = video.videoHeight, k = Math.min(1, SIZE / Math.max(W, H));
  const small = grab(Math.round(W * k), Math.round(H * k));
  const dets = await models.detector.detect(small, { inputSize: SIZE });
  return dets.map((d) => ({ score: d.score, box: { x: d.box.x / k, y: d.box.y / k, width: d.box.width / k, height: d.box.height / k }, keypoints: d.keypoints.map(([x, y]) => [x / k, y / k]) }));
}

function drawBoxes(faces, label) {
  const canvas = $('overlay');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  ctx.lineWidth = 3;
  ctx.font = '16px system-ui, sans-serif';
  faces.forEach(({ box, score, keypoints }, i) => {
    ctx.strokeStyle = i === 0 ? '#2ad46b' : '#f0c020';
    ctx.strokeRect(box.x, box.y, box.width, box.height);
    ctx.fillStyle = ctx.strokeStyle;
    for (const [x, y] of keypoints.slice(0, 4)) ctx.fillRect(x - 2, y - 2, 4, 4); // eyes, nose, mouth
    ctx.fillText(i === 0 && label ? label : score.toFixed(2), box.x + 4, box.y - 6);
  });
}

let paused = null; // a Promise while enrol/verify owns the models
let inflight = Promise.resolve(); // the live loop's current detection (the models are not re-entrant)
let label = '';
async function liveLoop(models) {
  const stamps = [];
  for (;;) {
    if (paused) await paused;
    if (video.readyState < 2) {
      await new Promise((r) => setTimeout(r, 30));
      continue;
    }
    const step = detectFrame(models);
    inflight = step.catch(() => {});
    const faces = (await step).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    kiosk.faces = faces;
    kiosk.frames++;
    drawBoxes(faces, label);
    const now = performance.now();
    stamps.push(now);
    while (stamps[0] < now - 2000) stamps.shift();
    kiosk.fps = stamps.length > 1 ? ((stamps.length - 1) * 1000) / (now - stamps[0]) : 0;
    $('fps').textContent = `${kiosk.fps.toFixed(1)} frames/s, ${faces.length} face${faces.length === 1 ? '' : 's'}`;
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** Pauses the live loop, runs fn, resumes. */
async function exclusive(fn) {
  let resume;
  paused = new Promise((r) => (resume = r));
  try {
    await inflight;
    return await fn();
  } finally {
    paused = null;
    resume();
  }
}

/** The best of a few full-resolution frames: its largest face's chip, or an Error when no frame has a face. */
async function captureFace(models) {
  let best = null;
  for (let i = 0; i < CAPTURE_FRAMES; i++) {
    const frame = grab(video.videoWidth, video.videoHeight);
    const [face] = (await models.detector.detect(frame, { inputSize: SIZE })).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    if (face && (!best || face.score > best.face.score)) best = { frame, face };
    await new Promise((r) => setTimeout(r, 40));
  }
  if (!best) throw new Error('No face in view: look at the camera and try again.');
  const [found] = await alignDetections(models.landmarks, best.frame, [best.face]);
  return found.chip;
}

// ---- enrol, verify, the people list --------------------------------------------------------------------

function chipCanvas(image) {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = image.data[p * image.channels + c];
    rgba[p * 4 + 3] = 255;
  }
  canvas.getContext('2d').putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
  return canvas;
}

async function enrol(models, store) {
  const name = $('name').value.trim();
  if (!name || name.length > 100) throw new Error('Type a name (1 to 100 characters) first.');
  const chip = await captureFace(models);
  const png = await models.codec.encode(chip);
  const restored = await models.codec.decode(png);
  const descriptor = await models.recognizer.embed(restored);
  await store.put({ name, png, descriptor, enrolled: new Date().toISOString() });
  kiosk.result = { action: 'enrol', name, bytes: png.length };
  showResult(`Enrolled ${name}: ${png.length} bytes stored.`, chipCanvas(restored));
}

async function verify(models, store) {
  const people = await store.list();
  if (!people.length) throw new Error('Nobody is enrolled yet.');
  const chip = await captureFace(models);
  const d = await models.recognizer.embed(chip);
  let best = null;
  for (const p of people) {
    const dist = distance(d, p.descriptor);
    if (!best || dist < best.distance) best = { name: p.name, distance: dist };
  }
  const same = best.distance < SAME_PERSON_THRESHOLD;
  kiosk.result = { action: 'verify', ...best, verdict: same ? 'same' : 'different' };
  label = same ? best.name : 'unknown';
  const text = same ? `${best.name} (distance ${best.distance.toFixed(3)}, below ${SAME_PERSON_THRESHOLD.toFixed(3)}: same person)` : `Not enrolled: the closest is ${best.name} at ${best.distance.toFixed(3)} (same person needs below ${SAME_PERSON_THRESHOLD.toFixed(3)})`;
  showResult(text, chipCanvas(chip), same ? 'same' : 'different');
}

function showResult(text, canvas, cls = '') {
  $('result').replaceChildren(canvas, Object.assign(document.createElement('span'), { textContent: text, className: cls }));
}

async function refreshPeople(models, store) {
  const people = await store.list();
  kiosk.people = people.map((p) => p.name);
  const list = $('people');
  list.replaceChildren();
  for (const p of people) {
    const li = document.createElement('li');
    const del = Object.assign(document.createElement('button'), { textContent: 'Delete', title: `delete ${p.name}` });
    del.onclick = () => act(models, store, async () => {
      await store.delete(p.name);
      showResult(`Deleted ${p.name}.`, document.createElement('span'));
    });
    li.append(chipCanvas(await models.codec.decode(p.png)), Object.assign(document.createElement('span'), { textContent: `${p.name} (${p.png.length} B)` }), del);
    list.append(li);
  }
  $('count').textContent = `${people.length} enrolled`;
}

/** Runs a user action with the live loop paused; errors go to the status line (and window.kiosk.error). */
async function act(models, store, fn) {
  document.body.dataset.busy = '1';
  kiosk.error = null;
  try {
    await exclusive(async () => {
      await fn();
      await refreshPeople(models, store);
    });
    $('status').textContent = 'Ready.';
    $('status').className = '';
  } catch (e) {
    kiosk.error = e.message;
    $('status').textContent = e.message;
    $('status').className = 'error';
  } finally {
    delete document.body.dataset.busy;
  }
}

function wireControls(models, store) {
  $('enrol').onclick = () => act(models, store, () => enrol(models, store));
  $('verify').onclick = () => act(models, store, () => verify(models, store));
  $('export').onclick = () => act(models, store, async () => {
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(exportPeople(await store.list())), download: 'facecodec-kiosk.json' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
  $('import').onchange = (e) => act(models, store, async () => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    const people = parseExport(await file.text(), DESCRIPTOR_LENGTH, (png) => parseContainer(png));
    for (const p of people) await store.put(p);
    showResult(`Imported ${people.length} ${people.length === 1 ? 'person' : 'people'} from ${file.name}.`, document.createElement('span'));
  });
}

// ---- start ---------------------------------------------------------------------------------------------

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return 'no service worker in this browser: the page needs the network';
  await navigator.serviceWorker.register('kiosk-sw.js');
  await navigator.serviceWorker.ready;
  return 'works offline';
}

async function main() {
  const offline = registerServiceWorker().then((s) => ($('offline').textContent = s), (e) => ($('offline').textContent = `offline use unavailable: ${e.message}`));
  const [models, store] = await Promise.all([startModels(), openStore()]);
  wireControls(models, store);
  await refreshPeople(models, store);
  let stream;
  try {
    stream = await startCamera();
  } catch (e) {
    kiosk.error = e.message;
    await offline;
    setState('no-camera', e.message, true);
    return;
  }
  video.srcObject = stream;
  await video.play();
  await offline;
  setState('ready', 'Ready.');
  liveLoop(models).catch((e) => setState('error', `Detection stopped: ${e.message}`, true));
}

main().catch((e) => {
  kiosk.error = e.message;
  setState('error', e.message, true);
});
