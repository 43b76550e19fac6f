import { createLayout } from '../../core/param-layout.js';
import { Adamax } from '../../optim/adamax.js';
import type { AdamaxCore } from '../../optim/adamax-core.js';
import { GainNetwork } from './gain-network.js';
import { HopAnalyzer, priorFftSize } from './hop-analyzer.js';
import { PriorBandMap, priorBandEdges } from './prior-bands.js';
import { PriorFeatures } from './prior-features.js';
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
  private readonly floor: number;
  private readonly threshold: number;
  private readonly outGain: Float32Array;
  private readonly dGain: Float32Array;
  /** Noise-only hops seen by the adaptation (diagnostics). */
  noiseOnlyHops = 0;

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
    this.adaptCore =
      a === null
        ? null
        : new Adamax({
            learningRate: a.learningRate,
            weightDecay: a.weightDecay,
            gradientAccumulationSteps: a.accumulation,
            useEma: true,
            emaMomentum: a.emaMomentum,
          }).buildFlat(createLayout([{ name: 'prior/last-layer-delta', length: this.net.deltaSize }]));
  }

  /** Denoises one hop (`input` and `output`: `hop` samples each; output delayed by `latency`). */
  process(input: Float32Array, output: Float32Array): void {
    const { analyzer, features, net, map, bandGain } = this;
    analyzer.analyze(input);
    features.update(analyzer.power);
    const core = this.adaptCore;
    const g = net.forward(features.features, core === null ? null : core.average);
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
    for (let b = 0; b < m; b++) {
      if (noiseOnly) dGain[b] = 1 / m;
      else dGain[b] = (g[b]! - 1 / (1 + Math.exp(-logits[b]!))) / m;
    }
    net.deltaGradient(g, dGain, core.grads);
    // only ΔW adapts: a bias shift would move every hop's gains, speech included
    core.grads.fill(0, net.lastHidden * net.outputs);
    core.step();
  }
}
