/**
 * Shared pieces of the ready-made pipelines: vector norms for the step traces, mono downmix, rate
 * conversion and sample clean-up. Public API only.
 */
import { resample } from '../src/index.js';

/** Euclidean norm of a vector. */
export function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** ‖a − b‖ over the common length. */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * Mono view of planar channels: the channel itself for mono, else the mean of the channels
 * (a downmix; documented behaviour of every file pipeline).
 */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]!.length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] = out[i]! + ch[i]!;
  const g = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] = out[i]! * g;
  return out;
}

/** A mono signal as is, or several channels downmixed (see {@link downmix}). */
export const asMono = (x: Float32Array | readonly Float32Array[]): Float32Array =>
  x instanceof Float32Array ? x : downmix(x);

/** `x` at `toRate` (no copy when the rates match). */
export function toRate(x: Float32Array, fromRate: number, toRateHz: number): Float32Array {
  return fromRate === toRateHz ? x : resample(x, fromRate, toRateHz);
}

/** Replaces non-finite samples by 0 (in place) and returns the array. */
export function sanitize(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) x[i] = 0;
  return x;
}
