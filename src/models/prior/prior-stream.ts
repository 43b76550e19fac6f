import { CheckpointError } from '../../core/errors.js';
import { createLayout } from '../../core/param-layout.js';
import { Adamax, type AdamaxConfig, adamaxOptionsFromConfig } from '../../optim/adamax.js';
import type { AdamaxCore } from '../../optim/adamax-core.js';
import type { ModelState } from '../adaptive-model.js';
import { GainNetwork } from './gain-network.js';
import { HopAnalyzer, priorFftSize } from './hop-analyzer.js';
import { PriorBandMap, priorBandEdges } from './prior-bands.js';
import { PriorFeatures } from './prior-features.js';
import { priorStateCount } from './prior-state-count.js';
import { priorStateIo } from './prior-state-io.js';
import type { PriorWeights } from './prior-weights-codec.js';

/** Online adaptation of the prior's last layer (see {@link PriorStream}). */
export interface PriorAdaptationOptions {
  /** Adamax learning rate of the last-layer correction Δ. */
  readonly learningRate: number;
  /** Gradient accumulation window (hops per applied Adamax update). */
  readonly accumulation: number;
  /** EMA momentum of the smoothed Δ that the output uses. */
  readonly emaMomentum: number;
  /** Decoupled weight decay of Δ (pulls the adapted layer back to the prior). */
  readonly weightDecay: number;
  /** A hop is "noise only" when mean_b ln(E_b / N_b) over the model bands is below this (nats). */
  readonly noiseOnlyThreshold: number;
  /**
   * A full Keras Adamax config (from `priorConfig`, the CLI's learner flags). When given, it replaces
   * `learningRate`, `accumulation`, `emaMomentum` and `weightDecay`; without EMA (`use_ema: false`)
   * the output uses the raw adapted layer.
   */
  readonly optimizer?: AdamaxConfig;
}

/** Name of the parameter group of the last-layer correction Δ. */
export const PRIOR_DELTA_GROUP = 'prior/last-layer-delta';

/** The adaptation's Adamax: from the full config when given, else from the four fields. */
function adaptationOptimizer(a: PriorAdaptationOptions): Adamax {
  if (a.optimizer) return new Adamax(adamaxOptionsFromConfig({ ...a.optimizer }));
  return new Adamax({
    learningRate: a.learningRate,
    weightDecay: a.weightDecay,
    gradientAccumulationSteps: a.accumulation,
    useEma: true,
    emaMomentum: a.emaMomentum,
  });
}

/** Settings of one {@link PriorStream}. */
export interface PriorStreamOptions {
  readonly sampleRate: number;
  /** Lowest gain in dB (≤ 0). */
  readonly gainFloorDb: number;
  /** null = prior only (no online adaptation). */
  readonly adaptation: PriorAdaptationOptions | null;
}

/**
 * One stream of the speech-prior denoiser at the input's own rate: √Hann WOLA STFT with
 * N = {@link priorFftSize} (hop N/2; latency N/2 samples = 10.7 ms at 48 kHz, 8 ms at 16 kHz),
 * band features and noise tracker ({@link PriorFeatures}), the gain network ({@link GainNetwork})
 * for the bands below 8 kHz, and above 8 kHz (rates > 16 kHz; the training speech has no content
 * there) a Wiener gain on the tracked band noise capped by the top model band's gain:
 * `G_u = min(G_top, ξ/(1 + ξ))`, ξ = max(E_u/N_u − 1, 0). Bin gains interpolate the band gains,
 * floored at `gainFloorDb`.
 *
 * Online adaptation (optional): the last layer gets a correction Δ (ΔW; Δb stays 0) stepped by this
 * project's Adamax with gradient accumulation, decoupled weight decay towards Δ = 0, and EMA
 * weights; the output uses the EMA of Δ (the smoothed model). Self-supervised loss per hop:
 * - noise-only hop (tracker: mean_b ln(E_b/N_b) < threshold): L = mean_b G_b (there is no speech);
 * - otherwise: L = mean_b (G_b − G⁰_b)²/2 with G⁰ the prior's gain (stay with the prior on speech).
 * Allocation-free per hop.
 */
export class PriorStream {
  readonly sampleRate: number;
  readonly hop: number;
  readonly fftSize: number;
  /** Algorithmic delay in samples (N − H). */
  readonly latency: number;
  readonly analyzer: HopAnalyzer;
  readonly map: PriorBandMap;
  readonly features: PriorFeatures;
  readonly net: GainNetwork;
  /** Band gains of the last hop (all bands). */
  readonly bandGain: Float64Array;
  readonly binGain: Float64Array;
  /** Adaptation optimizer (null when off). */
  readonly adaptCore: AdamaxCore | null;
  /** The Adamax that owns {@link adaptCore} (its state is what a checkpoint saves). */
  readonly optimizer: Adamax | null;
  private readonly floor: number;
  private readonly threshold: number;
  private readonly outGain: Float32Array;
  private readonly dGain: Float32Array;
  /** Noise-only hops seen by the adaptation (diagnostics). */
  noiseOnlyHops = 0;
  /** The adaptation's self-supervised loss of the last hop (NaN without adaptation; diagnostics). */
  loss = Number.NaN;

  constructor(weights: PriorWeights, options: PriorStreamOptions) {
    this.sampleRate = options.sampleRate;
    this.fftSize = priorFftSize(options.sampleRate);
    this.analyzer = new HopAnalyzer(this.fftSize);
    this.hop = this.analyzer.hop;
    this.latency = this.fftSize - this.hop;
    this.map = new PriorBandMap(
      options.sampleRate,
      this.fftSize,
      priorBandEdges(weights.bands.count, weights.bands.minWidthHz),
    );
    this.features = new PriorFeatures(this.map, weights.features);
    this.net = new GainNetwork(weights);
    this.bandGain = new Float64Array(this.map.totalBands);
    this.binGain = new Float64Array(this.analyzer.bins);
    this.floor = 10 ** (options.gainFloorDb / 20);
    this.outGain = new Float32Array(this.net.outputs);
    this.dGain = new Float32Array(this.net.outputs);
    const a = options.adaptation;
    this.threshold = a?.noiseOnlyThreshold ?? 0;
    this.optimizer = a === null ? null : adaptationOptimizer(a);
    this.adaptCore =
      this.optimizer?.buildFlat(createLayout([{ name: PRIOR_DELTA_GROUP, length: this.net.deltaSize }])) ?? null;
  }

  /**
   * Everything that changes while streaming, as plain typed arrays and numbers (copies): the STFT
   * buffers, the features' context, running averages and noise tracker (with its Adamax moments),
   * and — when adapting — the last-layer correction Δ with its Adamax state (m, u, EMA average,
   * accumulator, raw iterations). {@link loadState} on a fresh stream of the same settings continues
   * bit-identically.
   */
  saveState(): ModelState {
    const state: ModelState = { noiseOnlyHops: this.noiseOnlyHops };
    this.analyzer.saveState(state);
    this.features.saveState(state);
    const core = this.adaptCore;
    if (core !== null) {
      state['delta.params'] = core.params.slice();
      state['delta.m'] = core.m.slice();
      state['delta.u'] = core.u.slice();
      if (core.average) state['delta.average'] = core.average.slice();
      if (core.acc) state['delta.acc'] = core.acc.slice();
      state['delta.rawIterations'] = core.rawIterations;
    }
    return state;
  }

  /** Restores a {@link saveState} of a stream with the same settings; throws `CheckpointError` otherwise. */
  loadState(state: ModelState): void {
    const core = this.adaptCore;
    const adapted = state['delta.params'] !== undefined;
    if (adapted !== (core !== null)) {
      throw new CheckpointError(
        `The prior's saved state was written ${adapted ? 'with' : 'without'} online adaptation; this stream runs ${core ? 'with' : 'without'} it.`,
      );
    }
    const noiseOnly = priorStateCount(state, 'noiseOnlyHops');
    this.analyzer.loadState(state);
    this.features.loadState(state);
    if (core !== null) {
      const raw = priorStateCount(state, 'delta.rawIterations');
      priorStateIo(state, 'delta.params', core.params);
      priorStateIo(state, 'delta.m', core.m);
      priorStateIo(state, 'delta.u', core.u);
      core.normalizeU();
      if (core.average) priorStateIo(state, 'delta.average', core.average);
      if (core.acc) priorStateIo(state, 'delta.acc', core.acc);
      core.rawIterations = raw;
    }
    this.noiseOnlyHops = noiseOnly;
  }

  /** Denoises one hop (`input` and `output`: `hop` samples each; output delayed by `latency`). */
  process(input: Float32Array, output: Float32Array): void {
    const { analyzer, features, net, map, bandGain } = this;
    analyzer.analyze(input);
    features.update(analyzer.power);
    const core = this.adaptCore;
    const g = net.forward(features.features, core === null ? null : (core.average ?? core.params));
    const m = map.modelBands;
    for (let b = 0; b < m; b++) bandGain[b] = g[b]!;
    const top = g[m - 1]!;
    for (let b = m; b < map.totalBands; b++) {
      const ratio = features.energy[b]! / (features.noise[b]! + 1e-30);
      const xi = ratio > 1 ? ratio - 1 : 0;
      const w = xi / (1 + xi);
      bandGain[b] = Math.min(w, top);
    }
    map.interpolate(bandGain, this.binGain);
    const floor = this.floor;
    const bg = this.binGain;
    for (let k = 0; k < bg.length; k++) if (!(bg[k]! > floor)) bg[k] = floor;
    analyzer.synthesize(bg, output);
    if (core !== null) this.adapt(core);
  }

  /** One self-supervised gradient of the last-layer correction, accumulated by Adamax. */
  private adapt(core: AdamaxCore): void {
    const { net, features, map, dGain, outGain } = this;
    const m = map.modelBands;
    let ratio = 0;
    for (let b = 0; b < m; b++) ratio += Math.log((features.energy[b]! + 1e-30) / (features.noise[b]! + 1e-30));
    ratio /= m;
    const g = net.gains(core.params, outGain);
    const noiseOnly = ratio < this.threshold;
    if (noiseOnly) this.noiseOnlyHops++;
    const logits = net.logits;
    let loss = 0;
    for (let b = 0; b < m; b++) {
      if (noiseOnly) {
        dGain[b] = 1 / m;
        loss += g[b]!;
      } else {
        const d = g[b]! - 1 / (1 + Math.exp(-logits[b]!));
        dGain[b] = d / m;
        loss += 0.5 * d * d;
      }
    }
    this.loss = loss / m;
    net.deltaGradient(g, dGain, core.grads);
    // only ΔW adapts: a bias shift would move every hop's gains, speech included
    core.grads.fill(0, net.lastHidden * net.outputs);
    core.step();
  }
}
