import type { ReportSeries } from './run-report.js';

const db = (num: number, den: number): number => 10 * Math.log10(num / den);

/** Level over time (dBFS, RMS per 50 ms window) of the input and the output. */
export function levelSeries(input: Float32Array, output: Float32Array, sampleRate: number): ReportSeries {
  const win = Math.max(1, Math.round(0.05 * sampleRate));
  const x: number[] = [];
  const inDb: number[] = [];
  const outDb: number[] = [];
  for (let s = 0; s + win <= input.length; s += win) {
    let pi = 0;
    let po = 0;
    for (let i = s; i < s + win; i++) {
      pi += input[i]! * input[i]!;
      po += output[i]! * output[i]!;
    }
    x.push(Number((s / sampleRate).toFixed(4)));
    inDb.push(Math.max(-120, db(pi / win + 1e-30, 1)));
    outDb.push(Math.max(-120, db(po / win + 1e-30, 1)));
  }
  return { x, lines: { input: inDb, output: outDb } };
}
