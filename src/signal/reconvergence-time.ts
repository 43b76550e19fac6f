import { ShapeError } from '../core/errors.js';
import { checkSameLength, IssueCollector } from '../core/validate.js';

/** An improvement curve in dB sampled at a fixed rate (per frame or per sample). */
export interface ImprovementCurveInput {
  /** Improvement (e.g. SNRi or ERLE) in dB; sample i is at time `i / rate` seconds. */
  readonly improvementDb: Float32Array;
  /** Samples of the curve per second (frame rate, or the audio sample rate for a per-sample curve). */
  readonly rate: number;
}

/** Clean / noisy / enhanced signals from which a framed SNRi curve is computed. */
export interface SignalTripleInput {
  readonly clean: Float32Array;
  readonly noisy: Float32Array;
  readonly enhanced: Float32Array;
  /** Audio sample rate in Hz. */
  readonly sampleRate: number;
}

/** Options of {@link reconvergenceTime}. */
export interface ReconvergenceOptions {
  /** Time of the abrupt change in seconds from the start of the curve/signals. */
  readonly changeTime: number;
  /** Fixed threshold in dB the smoothed improvement must reach and hold. Default 10 (T10). */
  readonly thresholdDb?: number;
  /** Length in seconds of the trailing (causal) moving average applied first. Default 0.05. */
  readonly smoothing?: number;
  /** Hold window in seconds that starts at the candidate time. Default 0.5. */
  readonly hold?: number;
  /** Fraction of the hold window that must be at or above the threshold, in (0, 1]. Default 0.9. */
  readonly holdFraction?: number;
  /** Frame hop in seconds when computing the curve from signals. Default 0.005. */
  readonly frameHop?: number;
}

/**
 * Re-convergence time after an abrupt change ("T10" at the default 10 dB threshold), in seconds:
 *
 * `T = min { t_i − t_c : t_i ≥ t_c, s_i ≥ θ, |{ j : t_i ≤ t_j < t_i + W, s_j ≥ θ }| ≥ ρ·|{ j : t_i ≤ t_j < t_i + W }| }`
 *
 * where `s` is the improvement curve smoothed by a trailing moving average of `smoothing` seconds,
 * `t_c` the change time, θ the fixed threshold, W the hold window and ρ the hold fraction. In words:
 * the first time at or after the change where the smoothed improvement is at or above θ and stays
 * there for at least ρ of the next W seconds. The hold window is cut at the end of the curve.
 * Returns `Infinity` if that never happens. The threshold is fixed, never relative to the final level,
 * so a slow, poor algorithm cannot look fast.
 *
 * From signals, the curve is the framed SNRi
 * `SNRi_m = 10·log10( Σ_{n∈m} (x[n] − s[n])² / Σ_{n∈m} (ŝ[n] − s[n])² )` over non-overlapping frames
 * of `frameHop` seconds; the smoothing then averages the two error energies (not the dB values)
 * over `smoothing` seconds, so silent speech frames need no special handling (a window with zero output error is +Infinity,
 * one with zero error both in and out is NaN and never counts as converged). Frame m's time is
 * the start of the frame, `m·hop / sampleRate`.
 *
 * Reference: re-convergence after abrupt echo-path / scene changes as in Casebeer, Bryan &
 * Smaragdis, "Meta-AF", IEEE/ACM TASLP 31 (2023); Hänsler & Schmidt, "Acoustic Echo and Noise
 * Control" (2004), §13.3 (convergence time).
 *
 * @param input an improvement curve with its rate, or clean/noisy/enhanced signals with a sample rate
 * @param options change time, threshold, smoothing, hold window
 * @returns seconds from the change to re-convergence, or Infinity
 * @throws ShapeError for empty or mismatched inputs; InvalidOptionError for bad options.
 */
export function reconvergenceTime(
  input: ImprovementCurveInput | SignalTripleInput,
  options: ReconvergenceOptions,
): number {
  const thresholdDb = options.thresholdDb ?? 10;
  const smoothing = options.smoothing ?? 0.05;
  const hold = options.hold ?? 0.5;
  const holdFraction = options.holdFraction ?? 0.9;
  const frameHop = options.frameHop ?? 0.005;
  const check = new IssueCollector('reconvergenceTime');
  check.finite('changeTime', options.changeTime);
  check.require(
    'changeTime',
    !(options.changeTime < 0),
    `reconvergenceTime: \`changeTime\` must be >= 0. Received: changeTime=${options.changeTime}`,
  );
  check.finite('thresholdDb', thresholdDb);
  check.require(
    'smoothing',
    Number.isFinite(smoothing) && smoothing >= 0,
    `reconvergenceTime: \`smoothing\` must be a finite number >= 0 (seconds). Received: smoothing=${smoothing}`,
  );
  check.positive('hold', hold);
  check.require(
    'holdFraction',
    Number.isFinite(holdFraction) && holdFraction > 0 && holdFraction <= 1,
    `reconvergenceTime: \`holdFraction\` must be in (0, 1]. Received: holdFraction=${holdFraction}`,
  );
  check.positive('frameHop', frameHop);
  if ('improvementDb' in input) check.positive('rate', input.rate);
  else check.positive('sampleRate', input.sampleRate);
  check.throwIfAny();

  let smoothed: Float64Array;
  let rate: number;
  if ('improvementDb' in input) {
    const curve = input.improvementDb;
    if (curve.length === 0)
      throw new ShapeError('reconvergenceTime: `improvementDb` must be non-empty. Received: length 0');
    rate = input.rate;
    smoothed = movingAverage(curve, Math.max(1, Math.round(smoothing * rate)));
  } else {
    ({ smoothed, rate } = smoothedSnriCurve(input, frameHop, smoothing));
  }

  const n = smoothed.length;
  const start = Math.ceil(options.changeTime * rate - 1e-9);
  if (start >= n) return Number.POSITIVE_INFINITY;
  const win = Math.max(1, Math.round(hold * rate));
  // prefix[i] = number of j < i with smoothed[j] >= threshold
  const prefix = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + (smoothed[i] >= thresholdDb ? 1 : 0);
  for (let i = start; i < n; i++) {
    if (!(smoothed[i] >= thresholdDb)) continue;
    const end = Math.min(n, i + win);
    const good = prefix[end] - prefix[i];
    if (good >= holdFraction * (end - i) - 1e-9) return Math.max(0, i / rate - options.changeTime);
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Trailing moving average over `k` samples (fewer at the start). Non-finite values are clamped to
 * ±1000 dB first (NaN counts as −1000) so running sums stay finite.
 */
function movingAverage(x: Float32Array, k: number): Float64Array {
  const n = x.length;
  const clamped = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    clamped[i] = Number.isNaN(v) ? -1000 : Math.min(1000, Math.max(-1000, v));
  }
  const out = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += clamped[i];
    if (i >= k) acc -= clamped[i - k];
    out[i] = acc / Math.min(i + 1, k);
  }
  return out;
}

/** Framed SNRi with energy-domain trailing smoothing. */
function smoothedSnriCurve(
  input: SignalTripleInput,
  frameHop: number,
  smoothing: number,
): { smoothed: Float64Array; rate: number } {
  const { clean, noisy, enhanced, sampleRate } = input;
  checkSameLength('reconvergenceTime', 'clean', clean, 'noisy', noisy);
  checkSameLength('reconvergenceTime', 'clean', clean, 'enhanced', enhanced);
  const hop = Math.max(1, Math.round(frameHop * sampleRate));
  const frames = Math.floor(clean.length / hop);
  if (frames === 0) {
    throw new ShapeError(
      `reconvergenceTime: signals are shorter than one frame. Received: length ${clean.length}, expected at least ${hop} samples (frameHop=${frameHop} s)`,
    );
  }
  const rate = sampleRate / hop;
  const k = Math.max(1, Math.round(smoothing * rate));
  const eIn = new Float64Array(frames);
  const eOut = new Float64Array(frames);
  for (let m = 0; m < frames; m++) {
    let a = 0;
    let b = 0;
    for (let i = m * hop; i < (m + 1) * hop; i++) {
      const s = clean[i];
      const u = noisy[i] - s;
      const v = enhanced[i] - s;
      a += u * u;
      b += v * v;
    }
    eIn[m] = a;
    eOut[m] = b;
  }
  const smoothed = new Float64Array(frames);
  for (let m = 0; m < frames; m++) {
    let accIn = 0;
    let accOut = 0;
    for (let j = Math.max(0, m - k + 1); j <= m; j++) {
      accIn += eIn[j];
      accOut += eOut[j];
    }
    smoothed[m] = 10 * Math.log10(accIn / accOut);
  }
  return { smoothed, rate };
}
