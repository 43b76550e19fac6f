import { reconvergenceTime } from '../signal/reconvergence-time.js';
import { segmentalSnr } from '../signal/segmental-snr.js';
import { siSdr } from '../signal/si-sdr.js';
import { snr } from '../signal/snr.js';
import { stoi } from '../signal/stoi.js';

/** Quality numbers of a run that had a clean track (dB unless named otherwise). */
export interface QualityMetrics {
  readonly siSdrIn: number;
  readonly siSdrOut: number;
  readonly siSdrImprovement: number;
  readonly snrIn: number;
  readonly snrOut: number;
  readonly segSnrIn: number;
  readonly segSnrOut: number;
  readonly stoiIn: number | null;
  readonly stoiOut: number | null;
  /** Seconds from the known noise change until the framed SNR improvement holds ≥ 10 dB (T10); null without a change time, Infinity if never. */
  readonly t10: number | null;
}

/** Whole-signal metrics of input and output against the clean track. */
export function qualityMetrics(
  clean: Float32Array,
  noisy: Float32Array,
  output: Float32Array,
  rate: number,
  options: { changeTime?: number; skipStoi?: boolean } = {},
): QualityMetrics {
  const siSdrIn = siSdr(clean, noisy);
  const siSdrOut = siSdr(clean, output);
  let t10: number | null = null;
  if (options.changeTime !== undefined && options.changeTime >= 0 && options.changeTime < clean.length / rate) {
    t10 = reconvergenceTime({ clean, noisy, enhanced: output, sampleRate: rate }, { changeTime: options.changeTime });
  }
  const canStoi = !options.skipStoi && clean.length >= rate * 0.5;
  return {
    siSdrIn,
    siSdrOut,
    siSdrImprovement: siSdrOut - siSdrIn,
    snrIn: snr(clean, noisy),
    snrOut: snr(clean, output),
    segSnrIn: segmentalSnr(clean, noisy, rate),
    segSnrOut: segmentalSnr(clean, output, rate),
    stoiIn: canStoi ? stoi(clean, noisy, rate) : null,
    stoiOut: canStoi ? stoi(clean, output, rate) : null,
    t10,
  };
}
