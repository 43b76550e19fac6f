import { createLayout } from '../../core/param-layout.js';
import { Adamax } from '../../optim/adamax.js';
import type { AdamaxCore } from '../../optim/adamax-core.js';
import type { ModelState } from '../adaptive-model.js';
import type { PriorBandMap } from './prior-bands.js';
import { priorStateCount } from './prior-state-count.js';
import { priorStateIo } from './prior-state-io.js';

/** Configuration of the feature extractor (stored with the weights; training and inference share it). */
export interface PriorFeatureConfig {
  /** Frames of band-log-energy context (current + past). */
  readonly context: number;
  /** EMA coefficients (per hop) of the running averages of the band log energies. */
  readonly averages: readonly number[];
  /** Quantile τ of the band noise tracker. */
  readonly quantile: number;
  /** Robustness δ (nats) of the tracker's upward push. */
  readonly robustness: number;
  /** Adamax learning rate of the tracker (nats per hop at full slew). */
  readonly trackerRate: number;
}

export const DEFAULT_PRIOR_FEATURES: PriorFeatureConfig = Object.freeze({
  context: 5,
  averages: Object.freeze([0.8, 0.97]),
  quantile: 0.2,
  robustness: 1,
  trackerRate: 0.1,
});

const LOG_FLOOR = 1e-10;
const CLIP = 25;
const FAST_FALL = 0.9;
const RISE = { smoothing: 0.7, margin: 1.5, fraction: 0.9, hops: 3, jump: 0.8 } as const;

/** Number of network inputs for `modelBands` bands. */
export function priorInputSize(modelBands: number, cfg: PriorFeatureConfig): number {
  return modelBands * (cfg.context + 1 + cfg.averages.length);
}

/**
 * Per-stream feature extractor of the speech prior, including the online noise tracker.
 *
 * Per hop, from the power spectrum P_k: band energies E_b (all bands, upper ones included) and
 * y_b = ln(E_b + 10⁻¹⁰).
 *
 * Noise tracker (per band, learned by this project's Adamax, β1 = 0.5, β2 = 0.9): robust pinball
 * loss ρ on r_b = y_b − θ_b with gradient −ψ(r_b)/B, ψ = τ − 1 (r < 0), τ/(1 + r²/δ²) (r ≥ 0), so
 * θ_b follows a low quantile of y_b; a fast-fall ceiling ν_b = min(θ_b, ln P̄_b) with
 * P̄_b ← 0.9·P̄_b + 0.1·E_b; and a broadband rise detector (fast EMA F_b of y_b; when ≥ 90 % of the
 * bands have F_b − θ_b > 1.5 nats for 3 hops, θ_b += 0.8·(F_b − θ_b)). The first frame warm-starts θ = y.
 *
 * Features (model bands only, level invariant: every term is relative to r = mean_b ν_b):
 * ```
 * [ y_b(t−c) − r  (c = 0..C−1),   ν_b − r,   A_{a,b} − r  (A_{a,b} ← a·A_{a,b} + (1 − a)·y_b, per average a) ]
 * ```
 * each clipped to ±25. Allocation-free after construction.
 */
export class PriorFeatures {
  readonly map: PriorBandMap;
  readonly cfg: PriorFeatureConfig;
  readonly inputSize: number;
  /** Feature vector of the last hop. */
  readonly features: Float32Array;
  /** Band energies E_b of the last hop (all bands). */
  readonly energy: Float64Array;
  /** Tracked noise power per band, exp(ν_b) (all bands). */
  readonly noise: Float64Array;
  private readonly logE: Float64Array;
  private readonly history: Float64Array;
  private readonly avg: Float64Array;
  private readonly ceil: Float64Array;
  private readonly fast: Float64Array;
  private readonly nu: Float64Array;
  private readonly core: AdamaxCore;
  private frames = 0;
  private riseHops = 0;
  private readonly invDelta2: number;

  constructor(map: PriorBandMap, cfg: PriorFeatureConfig) {
    this.map = map;
    this.cfg = cfg;
    const nb = map.totalBands;
    this.inputSize = priorInputSize(map.modelBands, cfg);
    this.features = new Float32Array(this.inputSize);
    this.energy = new Float64Array(nb);
    this.noise = new Float64Array(nb);
    this.logE = new Float64Array(nb);
    this.history = new Float64Array(map.modelBands * cfg.context);
    this.avg = new Float64Array(map.modelBands * cfg.averages.length);
    this.ceil = new Float64Array(nb);
    this.fast = new Float64Array(nb);
    this.nu = new Float64Array(nb);
    this.invDelta2 = 1 / (cfg.robustness * cfg.robustness);
    this.core = new Adamax({ learningRate: cfg.trackerRate, beta1: 0.5, beta2: 0.9 }).buildFlat(
      createLayout([{ name: 'prior/noise-bands', length: nb }]),
    );
  }

  /** Hops seen so far. */
  get hops(): number {
    return this.frames;
  }

  /** Writes the stream state (context, averages, tracker and its Adamax moments) into `state` (copies). */
  saveState(state: ModelState): void {
    state['features.history'] = this.history.slice();
    state['features.avg'] = this.avg.slice();
    state['features.ceil'] = this.ceil.slice();
    state['features.fast'] = this.fast.slice();
    state['features.frames'] = this.frames;
    state['features.riseHops'] = this.riseHops;
    state['tracker.theta'] = this.core.params.slice();
    state['tracker.m'] = this.core.m.slice();
    state['tracker.u'] = this.core.u.slice();
    state['tracker.rawIterations'] = this.core.rawIterations;
  }

  /** Restores what {@link saveState} wrote; throws `CheckpointError` for a state of another shape. */
  loadState(state: ModelState): void {
    const frames = priorStateCount(state, 'features.frames');
    const riseHops = priorStateCount(state, 'features.riseHops');
    const raw = priorStateCount(state, 'tracker.rawIterations');
    priorStateIo(state, 'features.history', this.history);
    priorStateIo(state, 'features.avg', this.avg);
    priorStateIo(state, 'features.ceil', this.ceil);
    priorStateIo(state, 'features.fast', this.fast);
    priorStateIo(state, 'tracker.theta', this.core.params);
    priorStateIo(state, 'tracker.m', this.core.m);
    priorStateIo(state, 'tracker.u', this.core.u);
    this.core.normalizeU();
    this.frames = frames;
    this.riseHops = riseHops;
    this.core.rawIterations = raw;
  }

  /** Updates everything from one power spectrum (length = bins) and writes {@link features}. */
  update(power: Float64Array): void {
    const { map, energy, logE, nu, ceil } = this;
    const nb = map.totalBands;
    map.bandEnergies(power, energy);
    const first = this.frames === 0;
    const theta = this.core.params;
    for (let b = 0; b < nb; b++) {
      const e = energy[b]!;
      const y = Math.log(Math.max(e, 0) + LOG_FLOOR);
      logE[b] = y;
      if (first) {
        theta[b] = y;
        ceil[b] = e;
        this.fast[b] = y;
      } else ceil[b] = FAST_FALL * ceil[b]! + (1 - FAST_FALL) * e;
      const c = Math.log(ceil[b]! + LOG_FLOOR);
      const t = theta[b]!;
      nu[b] = Math.min(t, c);
      this.noise[b] = Math.exp(nu[b]!);
    }
    this.writeFeatures(first);
    this.learn();
    this.frames++;
  }

  private writeFeatures(first: boolean): void {
    const { map, cfg, logE, nu, history, avg, features } = this;
    const m = map.modelBands;
    let r = 0;
    for (let b = 0; b < m; b++) r += nu[b]!;
    r /= m;
    const c = cfg.context;
    // shift the context (oldest last): history[(c−1)·m ..] ← history[(c−2)·m ..]
    history.copyWithin(m, 0, (c - 1) * m);
    for (let b = 0; b < m; b++) history[b] = logE[b]!;
    if (first) for (let j = 1; j < c; j++) history.copyWithin(j * m, 0, m);
    let o = 0;
    for (let j = 0; j < c * m; j++) features[o++] = clip(history[j]! - r);
    for (let b = 0; b < m; b++) features[o++] = clip(nu[b]! - r);
    const na = cfg.averages.length;
    for (let a = 0; a < na; a++) {
      const k = cfg.averages[a]!;
      for (let b = 0; b < m; b++) {
        const i = a * m + b;
        avg[i] = first ? logE[b]! : k * avg[i]! + (1 - k) * logE[b]!;
        features[o++] = clip(avg[i]! - r);
      }
    }
  }

  /** One Adamax step of the band tracker on this hop's pinball-loss gradient, then the rise detector. */
  private learn(): void {
    const { map, logE, cfg } = this;
    const nb = map.totalBands;
    const theta = this.core.params;
    const grads = this.core.grads;
    const tau = cfg.quantile;
    const inv = 1 / nb;
    let risen = 0;
    const a = RISE.smoothing;
    for (let b = 0; b < nb; b++) {
      const r = logE[b]! - theta[b]!;
      const psi = r < 0 ? tau - 1 : tau / (1 + r * r * this.invDelta2);
      grads[b] = -psi * inv;
      const f = a * this.fast[b]! + (1 - a) * logE[b]!;
      this.fast[b] = f;
      if (f - theta[b]! > RISE.margin) risen++;
    }
    this.core.step();
    this.riseHops = risen >= RISE.fraction * nb ? this.riseHops + 1 : 0;
    if (this.riseHops < RISE.hops) return;
    this.riseHops = 0;
    for (let b = 0; b < nb; b++) {
      const gap = this.fast[b]! - theta[b]!;
      if (gap > 0) theta[b] = theta[b]! + RISE.jump * gap;
    }
  }
}

function clip(v: number): number {
  if (Number.isNaN(v)) return 0;
  // biome-ignore lint/complexity/useMathMinMax: explicit clamp
  return v > CLIP ? CLIP : v < -CLIP ? -CLIP : v;
}
