/** Signal-processing foundation: FFT/STFT, resampling, noise generators and quality metrics. */

export {
  makeScenario,
  type Scenario,
  type ScenarioChange,
  type ScenarioNoise,
  type ScenarioOptions,
} from './abrupt-noise-scenario.js';
export { type BabbleOptions, babble } from './babble.js';
export { type BrownNoiseOptions, brownNoise } from './brown-noise.js';
export { amplitudeToDb, dbToAmplitude, dbToPower, energy, power, rms, toDb } from './db.js';
export { type DriftingNoiseOptions, driftingNoise } from './drifting-noise.js';
export { erle, type FramedErleOptions, framedErle } from './erle.js';
export { Fft, type FloatArray } from './fft.js';
export { type HumOptions, hum } from './hum.js';
export { type MixResult, mixAtSnr } from './mix-at-snr.js';
export { type NoiseBurstsOptions, noiseBursts } from './noise-bursts.js';
export {
  makeNoise,
  makeNoisySpeech,
  NOISY_SPEECH_KINDS,
  type NoisySpeech,
  type NoisySpeechKind,
  type NoisySpeechOptions,
} from './noisy-speech-scenario.js';
export { paddedFrames } from './padded-frames.js';
export { pinkNoise } from './pink-noise.js';
export {
  type ImprovementCurveInput,
  type ReconvergenceOptions,
  reconvergenceTime,
  type SignalTripleInput,
} from './reconvergence-time.js';
export { resample } from './resample.js';
export { type SegmentalSnrOptions, segmentalSnr } from './segmental-snr.js';
export { type SiSdrOptions, siSdr } from './si-sdr.js';
export { snr } from './snr.js';
export { snrImprovement } from './snr-improvement.js';
export { Stft, type StftOptions } from './stft.js';
export { stoi } from './stoi.js';
export { type NoiseOptions, whiteNoise } from './white-noise.js';
export { hannWindow, sqrtHannWindow } from './window.js';
