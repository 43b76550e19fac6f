import type { ReportSeries } from './run-report.js';

/** Most points a per-step trace keeps (decimated by a fixed stride, chosen from the frame count). */
export const MAX_TRACE_POINTS = 2000;

/** Collects per-step values at a fixed stride so that at most {@link MAX_TRACE_POINTS} are kept. */
export class TraceRecorder {
  readonly stride: number;
  readonly steps: number[] = [];
  readonly values: Record<string, number[]> = {};

  constructor(totalSteps: number) {
    this.stride = Math.max(1, Math.ceil(totalSteps / MAX_TRACE_POINTS));
  }

  /** Whether step `step` (1-based) is recorded. */
  wants(step: number): boolean {
    return (step - 1) % this.stride === 0;
  }

  /** Records `values` (non-finite ones as NaN) at step `step`. */
  record(step: number, values: Record<string, number>): void {
    this.steps.push(step);
    for (const [k, v] of Object.entries(values)) {
      const arr = this.values[k] ?? [];
      if (arr.length === 0) this.values[k] = arr;
      arr.push(Number.isFinite(v) ? v : Number.NaN);
    }
  }

  /** The recorded values named in `names` (key → label) as a series over the recorded steps, or undefined. */
  series(names: Record<string, string>): ReportSeries | undefined {
    const lines: Record<string, number[]> = {};
    for (const [key, label] of Object.entries(names)) {
      const v = this.values[key];
      if (v && v.length === this.steps.length) lines[label] = v;
    }
    return Object.keys(lines).length > 0 && this.steps.length > 0 ? { x: [...this.steps], lines } : undefined;
  }
}
