// facecodec serve: a small static file server for the demo page (web/) and the browser bundle. It serves
// the package root, so the page, dist/browser/, weights/, kernels/dist/ and samples/ keep the relative
// layout the bundle expects. By default it sends the two headers that make a page cross-origin isolated
// (COOP same-origin + COEP require-corp): only then do browsers give it SharedArrayBuffer, which the
// multi-threaded WebAssembly kernels need. Without them (--no-isolation) the page runs on one thread.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { args } from './args.ts';

export const PACKAGE_ROOT = path.join(import.meta.dirname, '../..');
/** The bundle the demo page imports; the server refuses to start without it. */
export const BROWSER_BUNDLE = 'dist/browser/facecodec.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.safetensors': 'application/octet-stream',
};

export interface ServeOptions {
  /** Folder to serve (default: the package root). */
  root?: string;
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: browsers treat localhost as a secure context). */
  host?: string;
  /** Send COOP/COEP so the page is cross-origin isolated (default true). */
  isolation?: boolean;
}

export interface RunningServer {
  server: Server;
  /** e.g. http://127.0.0.1:8080 (no trailing slash). */
  origin: string;
  close(): Promise<void>;
}

/**
 * Maps a request path to a file inside root, or undefined when it must not be served: outside root
 * (after decoding %2e%2e, %2f, and following symlinks), a NUL byte, or a hidden segment (.git, .cache).
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s.startsWith('.'))) return undefined; // also rejects "..": no climbing at all
  const full = path.resolve(root, ...segments);
  const rel = path.relative(root, full);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return full;
}

/** realpath of file when it lies inside realRoot (a symlink must not lead out of the served folder). */
function realInside(realRoot: string, file: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  const rel = path.relative(realRoot, real);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : real;
}

export function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const root = path.resolve(opts.root ?? PACKAGE_ROOT);
  const realRoot = realpathSync(root);
  const isolation = opts.isolation ?? true;
  const host = opts.host ?? '127.0.0.1';

  const send = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(`${text}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (isolation) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const rawPath = (req.url ?? '/').split(/[?#]/)[0];
    if (!rawPath.startsWith('/')) return send(res, 400, 'bad request');
    if (rawPath === '/') return send(res, 302, 'see /web/', { Location: '/web/' });
    let file = resolveInside(root, rawPath);
    if (!file) return send(res, 404, 'not found');
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      if (!rawPath.endsWith('/')) return send(res, 301, 'moved', { Location: `${rawPath}/` });
      file = path.join(file, 'index.html'); // no directory listings
      info = await stat(file).catch(() => undefined);
    }
    const real = info?.isFile() ? realInside(realRoot, file) : undefined;
    if (!info || !real) return send(res, 404, 'not found');
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': String(info.size) });
    if (req.method === 'HEAD') return res.end();
    const stream = createReadStream(real);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new Error(e.code === 'EADDRINUSE' ? `port ${opts.port} is in use (pick another with --port N, or --port 0 for any free one)` : `cannot listen on ${host}:${opts.port}: ${e.message}`));
    });
    server.listen(opts.port ?? 8080, host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        origin: `http://${shown}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

type Usage = new (message: string) => Error;

/** facecodec serve [--port N] [--host ADDR] [--no-isolation] [--root DIR]: runs until interrupted. */
export async function serveCmd(argv: string[], Usage: Usage): Promise<number> {
  const { values, positionals } = args(argv, { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, 'no-isolation': { type: 'boolean', default: false }, root: { type: 'string' } }, Usage);
  if (positionals.length) throw new Usage(`serve takes no file arguments (got ${positionals.join(' ')})`);
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port as string) || port > 65535) throw new Usage(`--port needs a number 0..65535 (got "${values.port}")`);
  const root = path.resolve((values.root as string | undefined) ?? PACKAGE_ROOT);
  if (!values.root && !(await stat(path.join(root, BROWSER_BUNDLE)).catch(() => undefined))) {
    throw new Error(`${BROWSER_BUNDLE} is missing: run "npm run build" first (or "npm run serve", which builds and serves)`);
  }
  const isolation = !values['no-isolation'];
  const running = await startServer({ root, port, host: values.host as string, isolation });
  process.stdout.write(`facecodec serve: ${running.origin}/web/  (serving ${root}; ${isolation ? 'COOP/COEP on: cross-origin isolated, WebAssembly threads available' : 'no COOP/COEP: the page runs WebAssembly on one thread'})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}
