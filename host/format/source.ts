// Where model bytes come from: bytes in memory, a URL (fetched), or a file path / file: URL (Node only,
// imported lazily so browser bundles never load node:fs).
export type ModelSource = Uint8Array | ArrayBuffer | URL | string;

export async function readSource(src: ModelSource): Promise<Uint8Array> {
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  const url = typeof src === 'string' ? (/^[a-z][a-z0-9+.-]*:\/\//i.test(src) ? new URL(src) : undefined) : src;
  if (url && url.protocol !== 'file:') {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  const fs = await import('node:fs/promises');
  return new Uint8Array(await fs.readFile(url ?? (src as string)));
}
