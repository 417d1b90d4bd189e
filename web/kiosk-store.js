// The kiosk's store of enrolled people, in IndexedDB (database "facecodec-kiosk", object store "people",
// key "name"): each person is { name, png (the facecodec PNG of the enrolment chip, Uint8Array),
// descriptor (Float32Array(128) of the chip restored from that PNG), enrolled (ISO time) }. Export
// writes the whole store as one JSON file ({ format, people: [{ name, png: base64, descriptor: [...],
// enrolled }] }); import checks every entry before it writes anything.

const DB = 'facecodec-kiosk';
const STORE = 'people';
export const EXPORT_FORMAT = 'facecodec-kiosk-1';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function openStore() {
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'name' });
  const db = await request(open);
  const tx = (mode) => db.transaction(STORE, mode).objectStore(STORE);
  return {
    list: async () => (await request(tx('readonly').getAll())).sort((a, b) => a.name.localeCompare(b.name)),
    put: (person) => request(tx('readwrite').put(person)),
    delete: (name) => request(tx('readwrite').delete(name)),
    clear: () => request(tx('readwrite').clear()),
  };
}

const toBase64 = (bytes) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export function exportPeople(people) {
  const body = { format: EXPORT_FORMAT, people: people.map((p) => ({ name: p.name, png: toBase64(p.png), descriptor: Array.from(p.descriptor), enrolled: p.enrolled })) };
  return new Blob([JSON.stringify(body)], { type: 'application/json' });
}

/** Parses an export file; throws an Error naming the first bad entry. `check(png)` validates a facecodec PNG. */
export function parseExport(text, descriptorLength, check) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('not a kiosk export (the file is not JSON)');
  }
  if (body?.format !== EXPORT_FORMAT || !Array.isArray(body.people)) throw new Error(`not a kiosk export (expected format "${EXPORT_FORMAT}")`);
  return body.people.map((p, i) => {
    const where = `entry ${i + 1}${typeof p?.name === 'string' ? ` (${p.name})` : ''}`;
    if (typeof p?.name !== 'string' || !p.name.trim() || p.name.length > 100) throw new Error(`${where}: the name must be 1 to 100 characters`);
    if (!Array.isArray(p.descriptor) || p.descriptor.length !== descriptorLength || !p.descriptor.every(Number.isFinite)) throw new Error(`${where}: the descriptor must be ${descriptorLength} numbers`);
    let png;
    try {
      png = fromBase64(p.png);
      check(png);
    } catch (e) {
      throw new Error(`${where}: the PNG is not a facecodec file (${e.message})`);
    }
    return { name: p.name.trim(), png, descriptor: Float32Array.from(p.descriptor), enrolled: typeof p.enrolled === 'string' ? p.enrolled : new Date().toISOString() };
  });
}
