// Shared by the batch tests: chips to work on, the CLI as a child process, a private redis-server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeImage, encodePng } from '../../host/image/codecs.ts';

export const ROOT = path.join(import.meta.dirname, '../..');
export const tempDir = (tag: string) => mkdtempSync(path.join(tmpdir(), `fc-${tag}-`));

/** n distinct 150x150 chips: the bundled samples with a few pixels changed, spread over two folders. */
export function makeChips(dir: string, n: number): string[] {
  const samples = readdirSync(path.join(ROOT, 'samples')).filter((f) => f.endsWith('.png')).sort();
  const images = samples.map((f) => decodeImage(readFileSync(path.join(ROOT, 'samples', f))));
  const rels: string[] = [];
  for (let i = 0; i < n; i++) {
    const img = images[i % images.length];
    const data = Uint8Array.from(img.data);
    for (let k = 0; k < 16; k++) data[(i * 7919 + k * 104729) % data.length] ^= 0x10 + k; // a few pixels per copy
    const rel = `${i % 2 ? 'odd' : 'even'}/${samples[i % samples.length].replace('.png', '')}_${String(i).padStart(4, '0')}.png`;
    mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), encodePng({ ...img, data }));
    rels.push(rel);
  }
  return rels;
}

/** Every file under a folder, as relative paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : out.push(path.relative(dir, path.join(d, e.name)));
  };
  walk(dir);
  return out.sort();
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `facecodec ...`; `done` resolves when it exits. */
export function startCli(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/facecodec.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

export const cli = (args: string[]) => startCli(args).done;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond` holds (polled every 50 ms); throws after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A redis-server of our own on a free loopback port, without persistence; `restart` kills it and starts it again (empty). */
export class TestRedis {
  private proc?: ChildProcess;
  private constructor(readonly port: number, readonly dir: string) {}

  static async start(): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), tempDir('redis'));
    await r.launch();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async launch(): Promise<void> {
    const p = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      p.stdout!.on('data', (d) => {
        log += d;
        if (log.includes('Ready to accept connections')) resolve();
      });
      p.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log.slice(-500)}`)));
    });
  }

  /** SIGKILL (a crash: Redis loses everything), then a new empty server on the same port after `downMs`. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await sleep(downMs);
    await this.launch();
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }
}
