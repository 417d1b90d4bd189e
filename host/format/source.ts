// Where model bytes come from: bytes in memory, a URL (fetched), or a file path / file: URL (Node only,
// imported lazily so browser bundles never load node:fs). In a browser or worker a string is a URL,
// relative ones resolved against the page (or worker script) address.
import { UNRESOLVED_ASSET } from './assets.ts';
import { importNode } from './node-import.ts';
export type ModelSource = Uint8Array | ArrayBuffer | URL | string;

const isNode = () => typeof process !== 'undefined' && !!process.versions?.node;

export async function readSource(src: ModelSource): Promise<Uint8Array> {
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  let url: URL | undefined;
  if (src instanceof URL) url = src;
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(src)) url = new URL(src);
  else if (!isNode()) {
    const base = (globalThis as { location?: { href: string } }).location?.href;
    try {
      url = new URL(src, base);
    } catch {
      throw new Error(`"${src}" is not a URL, and there is no page address to resolve it against`);
    }
  }
  if (url?.protocol === UNRESOLVED_ASSET) {
    throw new Error(`the package's ${url.pathname} has no address here (import.meta.url is "${import.meta.url}"): pass it as bytes or a URL`);
  }
  if (url && url.protocol !== 'file:') {
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new Error(`fetching ${url}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  if (!isNode()) throw new Error(`cannot read ${url}: file: URLs need Node (pass the bytes or an http(s) URL)`);
  const fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
  return new Uint8Array(await fs.readFile(url ?? (src as string)));
}
