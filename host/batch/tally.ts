// Counts of a batch as results come in, the progress display (a bar with rate and ETA on a terminal,
// a plain line every few seconds otherwise), the failures file and the closing summary.
import type { ItemResult } from './chunk.ts';
import type { Op } from './inputs.ts';
import { writeAtomic } from './outputs.ts';

export class Tally {
  done = 0;
  skipped = 0;
  failed = 0;
  bytesIn = 0;
  bytesOut = 0;
  pixels = 0;
  readonly failures: Array<{ rel: string; error: string }> = [];
  private readonly start = performance.now();

  constructor(readonly op: Op, readonly total: number) {}

  add(results: ItemResult[]): void {
    for (const r of results) {
      if (r.status === 'skipped') this.skipped++;
      else if (r.status === 'failed') {
        this.failed++;
        this.failures.push({ rel: r.rel, error: r.error ?? 'unknown error' });
      } else {
        this.done++;
        this.bytesIn += r.bytesIn;
        this.bytesOut += r.bytesOut;
        this.pixels += r.pixels;
      }
    }
  }

  get finished(): number {
    return this.done + this.skipped + this.failed;
  }

  get seconds(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** Mean bits per pixel of the facecodec files: those written (encode) or read (decode). */
  meanBpp(): number | undefined {
    if (this.op === 'embed' || this.pixels === 0) return undefined;
    return ((this.op === 'encode' ? this.bytesOut : this.bytesIn) * 8) / this.pixels;
  }

  /** Items per second over this run's work (skipped items are not counted: they cost nothing). */
  rate(): number {
    return (this.done + this.failed) / Math.max(this.seconds, 1e-3);
  }

  line(): string {
    const left = this.total - this.finished, r = this.rate();
    const eta = r > 0 && this.done + this.failed > 0 ? `ETA ${duration(left / r)}` : 'ETA -';
    return `${this.finished}/${this.total} (${((100 * this.finished) / Math.max(this.total, 1)).toFixed(0)}%) ${r.toFixed(1)} files/s ${eta}, ${this.failed} failed`;
  }

  summary(): string {
    const bpp = this.meanBpp();
    return [
      `${this.total} files: ${this.done} done, ${this.skipped} skipped (done before), ${this.failed} failed`,
      `${this.bytesIn} bytes in, ${this.bytesOut} bytes out${bpp === undefined ? '' : `, mean ${bpp.toFixed(3)} bpp`}`,
      `${this.seconds.toFixed(1)} s, ${this.rate().toFixed(1)} files/s`,
    ].join('; ');
  }

  /** Writes the failures, one "path<TAB>reason" line each, sorted (atomically); nothing when there are none. */
  writeFailures(file: string): void {
    if (this.failures.length === 0) return;
    const lines = [...this.failures].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)).map((f) => `${f.rel}\t${f.error.replace(/\s+/g, ' ')}\n`);
    writeAtomic(file, lines.join(''));
  }
}

const duration = (s: number) => (s < 90 ? `${s.toFixed(0)}s` : s < 5400 ? `${(s / 60).toFixed(0)}m` : `${(s / 3600).toFixed(1)}h`);

/** Shows a tally's progress on `stream`: redrawn bar on a TTY (every 200 ms), else a line every `everySeconds`. */
export class Progress {
  private timer: NodeJS.Timeout;
  private readonly tty: boolean;

  constructor(private readonly tally: Tally, private readonly stream: NodeJS.WriteStream, everySeconds: number) {
    this.tty = !!stream.isTTY;
    this.timer = setInterval(() => this.show(), this.tty ? 200 : everySeconds * 1000);
    this.timer.unref();
  }

  private show(): void {
    if (!this.tty) {
      this.stream.write(`progress: ${this.tally.line()}\n`);
      return;
    }
    const width = 24, filled = Math.round((width * this.tally.finished) / Math.max(this.tally.total, 1));
    this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.tally.line()}\x1b[K`);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.tty) {
      this.show();
      this.stream.write('\n');
    }
  }
}
