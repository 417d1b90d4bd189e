// The demo page: one face chip through facecodec (encode -> PNG -> decode) beside the browser's own JPEG
// at about the same size, each judged by the face recognizer against the original. Runs on WebGPU when
// the browser has an adapter, else on WebAssembly (threads when the page is cross-origin isolated).
// URL parameters: ?backend=auto|webgpu|wasm &quality=1..100 &sample=<file in samples/>.
// Tests read window.facecodecDemo.result once <body data-state> is "done" (or .error when "error").
import {
  activeBackend, createBackend, distance, loadCodec, loadFaceFinder, loadRecognizer, parseContainer, planeSize, PHOTO_FALLBACK_SIZES, SAME_PERSON_THRESHOLD,
} from '../dist/browser/facecodec.js';

/** What the stored PNG holds, from its header (the layout depends on the model). */
function codeDescription(png) {
  const { h, w, layout } = parseContainer(png, MAX_PIXELS);
  const { width, height } = planeSize(layout, h, w);
  return `${width}x${height} grey PNG: ${layout === 'g420' ? `the ${w}x${h} main code plane above two half-size difference planes` : 'the 3 code planes stacked'} (shown stretched)`;
}

const CHIP = 150; // the codec and the recognizer work on dlib-aligned 150x150 chips
const MAX_PIXELS = 4096 * 4096;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const demo = (window.facecodecDemo = { result: null, error: null, backend: null });

const choice = ['auto', 'webgpu', 'wasm'].includes(params.get('backend')) ? params.get('backend') : 'auto';
$('backend-choice').value = choice;
$('backend-choice').onchange = (e) => {
  params.set('backend', e.target.value);
  location.search = params.toString(); // a fresh page: models are bound to one backend
};
const initialQuality = Math.min(100, Math.max(1, Math.round(Number(params.get('quality')) || 50)));
$('quality').value = String(initialQuality);
$('quality-value').textContent = String(initialQuality);
$('threshold').textContent = SAME_PERSON_THRESHOLD.toFixed(3);

function setState(state, message) {
  document.body.dataset.state = state;
  $('status').textContent = message;
  $('status').className = state === 'error' ? 'error' : '';
}

// ---- backend -------------------------------------------------------------------------------------------

async function startBackend() {
  // Shared memory (and so worker threads) exists only in cross-origin isolated pages (COOP + COEP).
  const threads = crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2)) : 1;
  let fallbackReason = null;
  const backend = choice === 'wasm'
    ? await createBackend('wasm', { wasm: { threads } })
    : await createBackend('webgpu', {
        fallback: choice === 'auto' ? 'wasm' : undefined,
        wasm: { threads },
        onFallback: (e) => { fallbackReason = e.message; },
      });
  return { backend, fallbackReason: () => fallbackReason };
}

/** What ran, in words and as data (the fallback may happen at the first bind, so ask after a run). */
function describeBackend(backend, fallbackReason) {
  const active = activeBackend(backend); // after a fallback: the backend that took over
  const info = { name: active.name, fallbackReason, crossOriginIsolated };
  let text;
  if (active.name === 'webgpu') {
    info.adapter = active.adapterInfo;
    text = `WebGPU (adapter: ${active.adapterInfo})`;
  } else {
    info.build = active.build;
    info.threads = active.threads;
    const simd = active.build.startsWith('relaxed') ? 'relaxed SIMD' : 'SIMD';
    const isolation = crossOriginIsolated ? 'cross-origin isolated' : 'page not cross-origin isolated (no COOP/COEP headers), so no shared memory';
    text = `WebAssembly (${simd}, ${active.threads} thread${active.threads > 1 ? 's' : ''}; ${isolation})`;
  }
  if (fallbackReason) text = `${text}. WebGPU unavailable, fell back to WebAssembly: ${fallbackReason}`;
  $('backend').textContent = `Backend: ${text}`;
  $('backend').className = fallbackReason ? 'fallback' : '';
  return info;
}

// ---- images --------------------------------------------------------------------------------------------

/** Decodes an image file with the browser's decoders into facecodec's Image (RGBA, 0..255). */
async function readImage(blob, name) {
  let bitmap;
  try {
    // No colour management, so a PNG gives the same pixels as Node's decoder.
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${name}: not an image this browser can decode`);
  }
  if (bitmap.width * bitmap.height > MAX_PIXELS) throw new Error(`${name}: ${bitmap.width}x${bitmap.height} is larger than this page takes (4096x4096)`);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  return { data, width: bitmap.width, height: bitmap.height, channels: 4 };
}

function toImageData(image) {
  const n = image.width * image.height, rgba = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = image.data[p * image.channels + (image.channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = 255;
  }
  return new ImageData(rgba, image.width, image.height);
}

function toRgb(image) {
  const n = image.width * image.height, rgb = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = image.data[p * image.channels + c];
  return rgb;
}

function draw(canvasId, image) {
  const canvas = $(canvasId);
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d').putImageData(toImageData(image), 0, 0);
}

/** Draws the facecodec PNG itself (small values 0..M per plane) with its range stretched to 0..255. */
async function drawCode(canvasId, png) {
  const bitmap = await createImageBitmap(new Blob([png], { type: 'image/png' }), { colorSpaceConversion: 'none' });
  const canvas = $(canvasId);
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  const image = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  let lo = 255, hi = 0;
  for (let i = 0; i < image.data.length; i += 4) (lo = Math.min(lo, image.data[i])), (hi = Math.max(hi, image.data[i]));
  const scale = 255 / Math.max(1, hi - lo);
  for (let i = 0; i < image.data.length; i += 4) image.data[i] = image.data[i + 1] = image.data[i + 2] = (image.data[i] - lo) * scale;
  ctx.putImageData(image, 0, 0);
}

/** PSNR (dB) over RGB. */
function psnr(a, b) {
  let se = 0;
  const n = a.width * a.height;
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) se += (a.data[p * a.channels + c] - b.data[p * b.channels + c]) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * n * 3) / se);
}

/** The browser's JPEG of the chip whose size is closest to targetBytes (binary search on quality). */
async function jpegNear(chip, targetBytes) {
  const canvas = new OffscreenCanvas(chip.width, chip.height);
  canvas.getContext('2d').putImageData(toImageData(chip), 0, 0);
  let lo = 0, hi = 1, best = null, tries = 0;
  for (; tries < 10; tries++) {
    const quality = (lo + hi) / 2;
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    if (!best || Math.abs(blob.size - targetBytes) < Math.abs(best.blob.size - targetBytes)) best = { blob, quality };
    if (blob.size > targetBytes) hi = quality;
    else lo = quality;
  }
  return { ...best, tries, image: await readImage(best.blob, 'JPEG') };
}

function info(listId, rows) {
  $(listId).innerHTML = '';
  for (const [k, v, cls] of rows) {
    const dt = document.createElement('dt'), dd = document.createElement('dd');
    dt.textContent = k;
    dd.textContent = v;
    if (cls) dd.className = cls;
    $(listId).append(dt, dd);
  }
}

const verdict = (d) => (d < SAME_PERSON_THRESHOLD ? 'same' : 'different');
const bpp = (bytes, image) => (bytes * 8) / (image.width * image.height);

// ---- the pipeline --------------------------------------------------------------------------------------

const timings = [];
async function timed(step, fn) {
  const t0 = performance.now();
  const value = await fn();
  timings.push([step, performance.now() - t0]);
  return value;
}

function showTimings() {
  const body = $('timings').tBodies[0];
  body.innerHTML = '';
  for (const [step, ms] of timings) {
    const tr = body.insertRow();
    tr.insertCell().textContent = step;
    const td = tr.insertCell();
    td.className = 'ms';
    td.textContent = ms.toFixed(1);
  }
}

let models; // { backend, fallbackReason, codec, recognizer, finder? }
let codePngUrl;

async function run(source) {
  timings.length = 0;
  const quality = Number($('quality').value);
  setState('running', `Running on ${source.name} at quality ${quality}…`);
  if (!models) {
    const { backend, fallbackReason } = await timed('start backend', startBackend);
    const [codec, recognizer] = await timed('load models (codec + recognizer)', () => Promise.all([loadCodec({ backend }), loadRecognizer({ backend })]));
    models = { backend, fallbackReason, codec, recognizer };
  }
  const { codec, recognizer } = models;
  const input = await timed('read image', async () => readImage(await source.blob(), source.name));
  let chip = input, aligned = false;
  if (input.width !== CHIP || input.height !== CHIP) {
    // Not a chip yet: the largest face the detector finds, its 68-point landmarks, then dlib's chip
    // transform, as `facecodec encode` does with a photo.
    models.finder ??= await timed('load face detector + landmark model', () => loadFaceFinder({ backend: models.backend }));
    const faces = await timed('find + align (detector, landmarks, chip)', () => models.finder.find(input, { maxFaces: 1, fallbackSizes: PHOTO_FALLBACK_SIZES }));
    if (!faces.length) throw new Error(`${source.name}: no face found in this ${input.width}x${input.height} image`);
    chip = faces[0].chip;
    aligned = true;
  }
  const png = await timed('encode (CompNet + PNG)', () => codec.encode(chip, { quality }));
  const restored = await timed('decode (PNG + RecNet)', () => codec.decode(png));
  const jpeg = await timed('JPEG at about the same bytes (browser canvas)', () => jpegNear(chip, png.length));
  const [dRestored, dJpeg] = await timed('recognizer (3 chips)', async () => {
    const [e0, e1, e2] = await recognizer.embedBatch([chip, restored, jpeg.image]);
    return [distance(e0, e1), distance(e0, e2)];
  });
  const backend = describeBackend(models.backend, models.fallbackReason());
  demo.backend = backend;

  draw('original', chip);
  draw('restored', restored);
  draw('jpeg', jpeg.image);
  await drawCode('code', png);
  if (codePngUrl) URL.revokeObjectURL(codePngUrl);
  codePngUrl = URL.createObjectURL(new Blob([png], { type: 'image/png' }));
  $('code-download').href = codePngUrl;
  $('code-download').download = `${source.name.replace(/\.[^.]*$/, '')}.q${quality}.png`;
  info('original-info', [['file', source.name], ['size', `${input.width}x${input.height}`], ['chip', aligned ? 'aligned here (face detector, 68 landmarks)' : 'an aligned chip, used as is']]);
  info('code-info', [['bytes', String(png.length)], ['bpp', bpp(png.length, chip).toFixed(3)], ['quality', String(quality)], ['image', codeDescription(png)]]);
  info('restored-info', [['PSNR', `${psnr(chip, restored).toFixed(2)} dB`], ['distance', dRestored.toFixed(3)], ['verdict', verdict(dRestored), verdict(dRestored)]]);
  info('jpeg-info', [['bytes', `${jpeg.blob.size} (quality ${jpeg.quality.toFixed(3)})`], ['bpp', bpp(jpeg.blob.size, chip).toFixed(3)], ['PSNR', `${psnr(chip, jpeg.image).toFixed(2)} dB`], ['distance', dJpeg.toFixed(3)], ['verdict', verdict(dJpeg), verdict(dJpeg)]]);
  showTimings();

  demo.result = {
    name: source.name, quality, aligned, backend,
    input: { width: input.width, height: input.height },
    chip: toRgb(chip), png, restored: restored.data,
    distance: dRestored, psnr: psnr(chip, restored),
    jpeg: { bytes: jpeg.blob.size, quality: jpeg.quality, distance: dJpeg, psnr: psnr(chip, jpeg.image) },
    timings: Object.fromEntries(timings),
  };
  demo.error = null;
  setState('done', `${source.name}: ${png.length} bytes (${bpp(png.length, chip).toFixed(3)} bpp) at quality ${quality}; restored ${verdict(dRestored)} person (distance ${dRestored.toFixed(3)}), JPEG ${verdict(dJpeg)} (${dJpeg.toFixed(3)}).`);
}

// One run at a time; a request made meanwhile replaces any older waiting one.
let current = null, waiting = null;
function request(source) {
  if (current) {
    waiting = source;
    return;
  }
  current = run(source)
    .catch((e) => {
      demo.error = e?.message ?? String(e);
      if (!models) $('backend').textContent = `Backend: none started (${choice} was asked for)`;
      setState('error', `Error: ${demo.error}`);
    })
    .finally(() => {
      current = null;
      if (waiting) {
        const next = waiting;
        waiting = null;
        request(next);
      }
    });
}

// ---- inputs --------------------------------------------------------------------------------------------

let lastSource;
const use = (source) => request((lastSource = source));
const sampleSource = (file) => ({ name: file, blob: async () => {
  const res = await fetch(`../samples/${encodeURIComponent(file)}`);
  if (!res.ok) throw new Error(`samples/${file}: HTTP ${res.status}`);
  return res.blob();
} });

$('quality').oninput = () => { $('quality-value').textContent = $('quality').value; };
$('quality').onchange = () => lastSource && use(lastSource);
$('file').onchange = () => $('file').files[0] && use({ name: $('file').files[0].name, blob: async () => $('file').files[0] });
addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
addEventListener('dragleave', () => document.body.classList.remove('dragging'));
addEventListener('drop', (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  const file = e.dataTransfer?.files[0];
  if (file) use({ name: file.name, blob: async () => file });
});

try {
  const res = await fetch('samples.json');
  if (!res.ok) throw new Error(`web/samples.json: HTTP ${res.status}`);
  const samples = await res.json();
  for (const file of samples) {
    const button = document.createElement('button');
    button.title = file;
    button.innerHTML = `<img alt="${file}" src="../samples/${encodeURIComponent(file)}">`;
    button.onclick = () => {
      for (const b of $('samples').children) b.classList.toggle('current', b === button);
      use(sampleSource(file));
    };
    $('samples').append(button);
  }
  const wanted = params.get('sample') ?? samples[0];
  if (!samples.includes(wanted)) throw new Error(`"${wanted}" is not one of the bundled samples (${samples.join(', ')})`);
  $('samples').children[samples.indexOf(wanted)].click(); // a bundled sample runs straight away
} catch (e) {
  demo.error = e.message;
  setState('error', `Error: ${e.message}`);
}
