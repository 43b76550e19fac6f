import { Random } from '../../src/core/random.js';
import type { Geometry } from './reference-methods.js';

/** Geometry of the speed benchmark: 48 kHz, 128-sample blocks, 1024 taps. */
export const SPEED_GEOMETRY: Geometry = { sampleRate: 48000, blockSize: 128, taps: 1024, rlsTaps: 32 };

/**
 * The speed section's input: 1 s of white reference x (σ = 0.1) through a 700-tap decaying path plus
 * −40 dB noise as the primary d, looped by the drivers (the filter sees a stationary scene).
 */
export function makeSpeedSignal(sampleRate = SPEED_GEOMETRY.sampleRate): { d: Float32Array; x: Float32Array } {
  const rng = new Random(5);
  const pathLen = 700;
  const path = new Float64Array(pathLen);
  for (let k = 0; k < pathLen; k++) path[k] = rng.gaussian() * Math.exp((-6 * k) / pathLen) * 0.2;
  const len = sampleRate;
  const x = new Float32Array(len);
  const d = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = 0.1 * rng.gaussian();
  for (let i = 0; i < len; i++) {
    let s = 0;
    for (let k = 0; k < pathLen && k <= i; k++) s += path[k] * x[i - k];
    d[i] = s + 0.01 * rng.gaussian();
  }
  return { d, x };
}
