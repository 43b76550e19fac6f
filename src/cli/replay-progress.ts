import type { ReplayFileResult } from '../node/index.js';
import { ProgressBar, type ProgressStream } from './progress.js';

/**
 * Aggregate progress of a replay whose files run in parallel (threads or queue workers): one bar
 * over all files, `files done/total`, throughput as audio seconds per wall second (× real time)
 * and the ETA (from the fraction done, in-flight files counted by their own fraction).
 */
export class ReplayProgress {
  private bar: ProgressBar | null = null;
  private started = Date.now();
  private readonly inFlight = new Map<string, number>();
  private total = 0;
  private done = 0;
  private resumed = 0;
  private audioSec = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label = 'replay',
  ) {}

  /** The dataset has `total` files (after the resumed ones were counted); the clock starts now. */
  start(total: number): void {
    if (this.bar) return;
    this.total = total;
    this.started = Date.now();
    this.bar = new ProgressBar(this.label, (total - this.resumed) * 1000, this.stream);
  }

  /** A file finished in an earlier run (counted as done, not in the throughput). */
  skipped(): void {
    this.done++;
    this.resumed++;
  }

  /** An in-flight file is `fraction` done. */
  progress(name: string, fraction: number): void {
    this.inFlight.set(name, fraction);
    this.draw();
  }

  /** A file finished (`result`) or failed (null). */
  finished(name: string, result: ReplayFileResult | null): void {
    this.inFlight.delete(name);
    this.done++;
    if (result) this.audioSec += result.durationSec;
    this.draw();
  }

  /** `3/10 files, 12.4× real time`. */
  text(): string {
    const wall = Math.max(1, Date.now() - this.started) / 1000;
    const speed = wall > 0 && this.audioSec > 0 ? `, ${(this.audioSec / wall).toFixed(1)}× real time` : '';
    return `${this.done}/${this.total} files${speed}`;
  }

  private draw(): void {
    let partial = 0;
    for (const f of this.inFlight.values()) partial += f;
    this.bar?.update((this.done - this.resumed + partial) * 1000, this.text());
  }

  close(): void {
    this.bar?.done();
  }
}
