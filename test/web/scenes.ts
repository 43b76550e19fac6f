/**
 * The two test scenes of the Web Audio denoiser, at any rate: a two-microphone scene (speech-like
 * primary plus white noise through a 64-tap decaying path; the noise itself as the reference) and a
 * single-channel one (the same speech-like signal plus white noise at 5 dB SNR). Isomorphic: the
 * browser page bundles this file, the Node tests import it.
 */
import { mixAtSnr, noiseCancellationScenario, Random, siSdr, whiteNoise } from '../../src/index.js';

export interface Scene {
  readonly clean: Float32Array;
  readonly primary: Float32Array;
  /** Reference channel (two-microphone scene only). */
  readonly reference: Float32Array | null;
}

export function twoMicScene(sampleRate: number, seconds: number): Scene {
  const s = noiseCancellationScenario({ sampleRate, seconds, snrDb: 0, pathTaps: 64, seed: 11 });
  return { clean: s.clean, primary: s.primary, reference: s.reference };
}

export function singleChannelScene(sampleRate: number, seconds: number): Scene {
  const clean = noiseCancellationScenario({ sampleRate, seconds, seed: 12 }).clean;
  const noise = whiteNoise(clean.length, new Random(13));
  return { clean, primary: mixAtSnr(clean, noise, 5).mixture, reference: null };
}

/** SI-SDR improvement (dB) over the second half, output aligned by `latency` samples. */
export function secondHalfImprovement(
  scene: Scene,
  output: Float32Array,
  latency: number,
): { input: number; output: number; improvement: number } {
  const n = scene.clean.length - latency;
  const from = Math.floor(n / 2);
  const ref = scene.clean.subarray(from, n);
  const input = siSdr(ref, scene.primary.subarray(from, n));
  const out = siSdr(ref, output.subarray(from + latency, n + latency));
  return { input, output: out, improvement: out - input };
}
