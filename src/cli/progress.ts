/** Where progress goes: a writable with an optional `isTTY` and `columns` (process.stderr fits). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

/**
 * A progress bar on stderr for work that takes over a second. TTY-aware: on a terminal it redraws one
 * line (at most every 100 ms); when piped it stays quiet (no control characters in logs).
 */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly label: string;
  private readonly total: number;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;
  readonly enabled: boolean;

  constructor(label: string, total: number, stream: ProgressStream, options: { quiet?: boolean } = {}) {
    this.stream = stream;
    this.label = label;
    this.total = Math.max(1, total);
    this.enabled = !options.quiet && stream.isTTY === true;
  }

  /** Redraws with `done` of `total` and an optional `detail` text after the percentage. */
  update(done: number, detail = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    // Only for work over a second, and at most 10 redraws per second.
    if (now - this.started < 1000 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const frac = Math.min(1, Math.max(0, done / this.total));
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - 30));
    const fill = Math.round(frac * width);
    const elapsed = (now - this.started) / 1000;
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : Number.NaN;
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(1)}s left` : '';
    this.stream.write(
      `\r${this.label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${detail}${detail && etaText ? ', ' : ''}${etaText}\u001b[K`,
    );
    this.drawn = true;
  }

  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\u001b[K');
  }
}
