import type { V2Scene } from '../../src/signal/abrupt-noise-v2-scene.js';
import { levinsonSolve } from './levinson.js';

/** Least-squares estimate from the data since `start`: prewindowed correlations of the reference. */
interface Estimate {
  start: number;
  count: number;
  readonly r: Float64Array;
  readonly p: Float64Array;
}

/** Options of {@link lsOracle}. */
export interface LsOracleOptions {
  /** Filter length in taps (the canceller's). */
  readonly taps: number;
  /** The filter is re-solved every `update` samples from all data before the segment (a priori). */
  readonly update: number;
  /** Diagonal loadings tried per segment, relative to r(0). */
  readonly loadings: readonly number[];
}

/**
 * An idealised reference canceller that bounds what a filter of `taps` taps can learn from the data:
 * for every segment of `update` samples it solves the least-squares (Wiener) normal equations
 * R a = p on ALL the data before the segment, from two estimates — one restarted at each of the
 * scene's changes (it knows when they happen) and one over the whole clip — with each diagonal
 * loading of `loadings`, and keeps, per segment, the candidate (or no filter) whose output is
 * closest to the clean speech (it knows the answer). Output e = d − a ⊛ x. R is the Toeplitz matrix of
 * the reference's prewindowed autocorrelation, p the cross-correlation with the primary.
 *
 * It is a genie, not a method: change times, the per-segment choice and unlimited memory are all
 * given. It does not use the path's structure (decay, sparsity), which a method may exploit.
 */
export function lsOracle(sc: V2Scene, o: LsOracleOptions): Float32Array {
  const { primary: d, reference: x, clean } = sc;
  const n = d.length;
  const M = o.taps;
  const out = Float32Array.from(d);
  const fresh = (start: number): Estimate => ({ start, count: 0, r: new Float64Array(M), p: new Float64Array(M) });
  const restarted = fresh(0);
  const whole = fresh(0);
  const rl = new Float64Array(M);
  const a = new Float64Array(M);
  const y = new Float64Array(M);
  const t = new Float64Array(M);
  const seg = new Float64Array(o.update);
  const bounds = [...new Set([...sc.changes.map((c) => c.at), ...range(0, n, o.update), n])].sort((p, q) => p - q);
  for (let s = 0; s + 1 < bounds.length; s++) {
    const from = bounds[s];
    const to = bounds[s + 1];
    if (sc.changes.some((c) => c.at === from)) Object.assign(restarted, fresh(from));
    let best = residual(d, clean, null, from, to);
    for (const est of [restarted, whole]) {
      if (est.count < Math.min(M, o.update)) continue;
      for (const load of o.loadings) {
        rl.set(est.r);
        rl[0] = rl[0] * (1 + load) + 1e-30;
        levinsonSolve(rl, est.p, M, a, y, t);
        const e = residual(d, clean, { a, x, seg }, from, to);
        if (e < best) {
          best = e;
          for (let i = from; i < to; i++) out[i] = d[i] - seg[i - from];
        }
      }
    }
    accumulate(restarted, x, d, from, to, M);
    accumulate(whole, x, d, from, to, M);
  }
  return out;
}

const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);

/** Residual noise energy Σ (d − y − s)² over [from, to); with a filter, y = a ⊛ x is left in `seg`. */
function residual(
  d: Float32Array,
  clean: Float32Array,
  f: { a: Float64Array; x: Float32Array; seg: Float64Array } | null,
  from: number,
  to: number,
): number {
  let e2 = 0;
  for (let i = from; i < to; i++) {
    let yi = 0;
    if (f) {
      const kmax = Math.min(f.a.length - 1, i);
      for (let k = 0; k <= kmax; k++) yi += f.a[k] * f.x[i - k];
      f.seg[i - from] = yi;
    }
    const e = d[i] - yi - clean[i];
    e2 += e * e;
  }
  return e2;
}

/** Adds samples [from, to) to the prewindowed correlations (x before the estimate's start counts as 0). */
function accumulate(est: Estimate, x: Float32Array, d: Float32Array, from: number, to: number, M: number): void {
  for (let i = from; i < to; i++) {
    const kmax = Math.min(M - 1, i - est.start);
    const xi = x[i];
    const di = d[i];
    for (let k = 0; k <= kmax; k++) {
      const xj = x[i - k];
      est.r[k] += xi * xj;
      est.p[k] += di * xj;
    }
  }
  est.count += to - from;
}
