import { createLayout } from '../core/param-layout.js';
import type { AdaptiveModel } from '../models/adaptive-model.js';
import { createPriorDenoiserFromConfig } from '../models/create-prior-denoiser-from-config.js';
import type { ReferenceCancellerFilter } from '../models/create-reference-canceller.js';
import { createReferenceCanceller } from '../models/create-reference-canceller.js';
import { createSingleChannelDenoiser } from '../models/create-single-channel-denoiser.js';
import type { OnlineDenoiser, OnlineDenoiserState } from '../models/online-denoiser.js';
import { PRIOR_DELTA_GROUP, type PriorStream } from '../models/prior/prior-stream.js';
import { priorConfig } from '../models/prior-config.js';
import { referenceCancellerConfig } from '../models/reference-canceller-config.js';
import { singleChannelConfig } from '../models/single-channel-config.js';
import { betaFromTimeConstant } from '../models/tracking/time-constants.js';
import { Adamax, adamaxOptionsFromConfig } from '../optim/adamax.js';
import type { AdamaxCore } from '../optim/adamax-core.js';
import { DEFAULT_SINGLE_CHANNEL_NODE_MODEL, type DenoiserConfig } from './denoiser-config.js';

/** Slots of {@link DenoiserEngine.stats} (sums since the last report, and running counters). */
export const Stat = {
  /** Σ primary² since the last report. */
  InputEnergy: 0,
  /** Σ output² since the last report. */
  OutputEnergy: 1,
  /** Σ per-frame loss since the last report. */
  LossSum: 2,
  /** Frames (model steps) since the last report. */
  Frames: 3,
  /** Samples since the last report. */
  Samples: 4,
  /** Model steps since the start. */
  TotalFrames: 5,
  /** Non-finite input samples replaced by 0 since the start. */
  NonFinite: 6,
} as const;

/**
 * The denoiser of the Web Audio node, independent of any audio API: `process` takes one render
 * quantum (any length) of the primary (and, in reference mode, the reference) and writes the
 * output. Samples are queued into the model's frame (block B in reference mode, hop H in single
 * mode); each full frame runs one prequential step — output with the weights before the frame, then
 * one Adamax update — so the output lags the input by {@link latency} samples. Everything is
 * allocated in the constructor: `process` allocates nothing.
 *
 * - reference: `createReferenceCanceller` (the CLI's FD-Adamax canceller, `REFERENCE_DEFAULTS`) at
 *   the context rate;
 * - single, model `'prior'` (the default, as the CLI's `denoise`): the learned speech prior built
 *   as `denoise` builds it, `createPriorDenoiserFromConfig(priorConfig(rate, …))`
 *   (`SINGLE_CHANNEL_DEFAULTS.prior`), one stream at the context rate (hop N/2, N = `priorFftSize`:
 *   1024 at 48 kHz), its last layer adapted online by Adamax (the output and the snapshots use the
 *   EMA of the correction); hop for hop the same output as `PriorDenoiser.process`;
 * - single, model `'online'`: `createSingleChannelDenoiser` (the CLI's `--model online`,
 *   `SINGLE_CHANNEL_DEFAULTS.online`) at the context rate (STFT ≈ 32 ms), its noise model learned
 *   by Adamax (EMA of the weights kept for the snapshots), warm-started from the first hop.
 */
export class DenoiserEngine {
  readonly config: DenoiserConfig;
  /** Samples per model step. */
  readonly frameSize: number;
  /** Output delay in samples with respect to the input (queueing plus the model's own delay). */
  readonly latency: number;
  /** Weights of the model (raw) and their EMA, if kept (the prior: its last layer's correction). */
  readonly core: AdamaxCore;
  readonly layout: AdaptiveModel['layout'];
  /** Running sums, see {@link Stat}. */
  readonly stats = new Float64Array(8);
  private readonly optimizer: Adamax;
  private readonly filter: ReferenceCancellerFilter | null;
  private readonly model: OnlineDenoiser | null;
  private readonly state: OnlineDenoiserState | null;
  private readonly prior: PriorStream | null;
  private readonly frame: Float32Array[];
  private readonly frameOut: Float32Array;
  private readonly warm: Float32Array;
  private pos = 0;
  private started = false;

  constructor(config: DenoiserConfig) {
    this.config = config;
    const p =
      config.mode === 'reference'
        ? referenceParts(config)
        : (config.model ?? DEFAULT_SINGLE_CHANNEL_NODE_MODEL) === 'online'
          ? onlineParts(config)
          : priorParts(config);
    this.filter = p.filter;
    this.model = p.model;
    this.state = p.model ? p.model.createState() : null;
    this.prior = p.prior;
    this.optimizer = p.optimizer;
    this.core = p.core;
    this.layout = p.layout;
    this.frameSize = p.frameSize;
    this.latency = p.latency;
    this.frame = Array.from({ length: p.filter ? 2 : 1 }, () => new Float32Array(p.frameSize));
    this.frameOut = new Float32Array(this.frameSize);
    this.warm = new Float32Array(this.model ? this.model.fftSize : 0);
  }

  /** Current learning rate (the level-normalised, boosted rate of the last update in reference mode). */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  /** Weights the snapshots carry: the smoothed model (the canceller's foreground, or the weight EMA when kept), else the raw weights. */
  get snapshotWeights(): Float32Array {
    return this.filter?.smoothedWeights ?? this.core.average ?? this.core.params;
  }

  /** Bypassed frames (watchdog) and resets, reference mode; 0 in single mode. */
  get bypassed(): number {
    return this.filter ? this.filter.bypassed : 0;
  }

  get resets(): number {
    return this.filter ? this.filter.resets : 0;
  }

  /**
   * One render quantum: `primary` (absent = silence), `reference` (reference mode; absent =
   * silence), `output` receives `output.length` samples.
   */
  process(primary: Float32Array | undefined, reference: Float32Array | undefined, output: Float32Array): void {
    const n = output.length;
    const f0 = this.frame[0]!;
    const f1 = this.frame.length > 1 ? this.frame[1]! : f0;
    const two = this.frame.length > 1;
    const out = this.frameOut;
    const size = this.frameSize;
    const st = this.stats;
    let pos = this.pos;
    let ein = 0;
    let eout = 0;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      let d = primary !== undefined && i < primary.length ? primary[i]! : 0;
      if (!(d - d === 0)) {
        d = 0;
        bad++;
      }
      const y = out[pos]!;
      output[i] = y;
      ein += d * d;
      eout += y * y;
      f0[pos] = d;
      if (two) {
        let x = reference !== undefined && i < reference.length ? reference[i]! : 0;
        if (!(x - x === 0)) {
          x = 0;
          bad++;
        }
        f1[pos] = x;
      }
      if (++pos === size) {
        this.step();
        pos = 0;
      }
    }
    this.pos = pos;
    st[Stat.InputEnergy] += ein;
    st[Stat.OutputEnergy] += eout;
    st[Stat.Samples] += n;
    st[Stat.NonFinite] += bad;
  }

  /** Clears the sums of one report interval (the running counters stay). */
  clearInterval(): void {
    const st = this.stats;
    st[Stat.InputEnergy] = 0;
    st[Stat.OutputEnergy] = 0;
    st[Stat.LossSum] = 0;
    st[Stat.Frames] = 0;
    st[Stat.Samples] = 0;
  }

  /** One model step on the queued frame; the result waits in `frameOut` for the next frame's samples. */
  private step(): void {
    const st = this.stats;
    const out = this.frameOut;
    if (this.filter) {
      this.filter.process(this.frame, out);
      let e = 0;
      for (let i = 0; i < out.length; i++) e += out[i]! * out[i]!;
      st[Stat.LossSum] += (0.5 * e) / out.length;
    } else if (this.prior) {
      this.prior.process(this.frame[0]!, out);
      st[Stat.LossSum] += this.prior.loss;
    } else {
      const m = this.model!;
      const core = this.core;
      if (!this.started) {
        // warm start from the first hop, repeated to one STFT frame
        const h = this.frame[0]!;
        for (let i = 0; i < this.warm.length; i++) this.warm[i] = h[i % h.length]!;
        m.warmStart(core.params, this.warm);
        if (core.average) core.average.set(core.params);
        this.started = true;
      }
      const state = this.state!;
      m.learn(core.params, state, this.frame, out, core.grads);
      st[Stat.LossSum] += state.lastLoss[0]!;
      core.step();
    }
    st[Stat.Frames] += 1;
    st[Stat.TotalFrames] += 1;
  }
}

/** What the engine runs: one of the three models, its optimizer and weights, its frame and delay. */
interface EngineParts {
  readonly filter: ReferenceCancellerFilter | null;
  readonly model: OnlineDenoiser | null;
  readonly prior: PriorStream | null;
  readonly optimizer: Adamax;
  readonly core: AdamaxCore;
  readonly layout: AdaptiveModel['layout'];
  readonly frameSize: number;
  readonly latency: number;
}

/** Reference mode: the CLI's canceller at the context rate. */
function referenceParts(config: DenoiserConfig): EngineParts {
  const f = createReferenceCanceller(referenceCancellerOverrides(config), config.sampleRate);
  const none = { model: null, prior: null };
  return {
    ...none,
    filter: f,
    optimizer: f.optimizer,
    core: f.core,
    layout: f.model.layout,
    frameSize: f.frameSize,
    latency: f.frameSize,
  };
}

/**
 * Single mode, model prior: the speech prior of `denoise` (`priorConfig` at the context rate, then
 * `createPriorDenoiserFromConfig`), with the node's learning rate, EMA time constant and floor.
 */
function priorParts(config: DenoiserConfig): EngineParts {
  const pc = priorConfig(config.sampleRate, {
    ...(config.learningRate !== undefined ? { optimizer: { learning_rate: config.learningRate } } : {}),
    ...(config.gainFloorDb !== undefined ? { model: { gainFloorDb: config.gainFloorDb } } : {}),
    ...(config.emaSeconds !== undefined ? { emaSeconds: config.emaSeconds } : {}),
  });
  const prior = createPriorDenoiserFromConfig(pc).createStream(config.sampleRate);
  const layout = createLayout([{ name: PRIOR_DELTA_GROUP, length: prior.adaptCore!.params.length }]);
  return {
    filter: null,
    model: null,
    prior,
    optimizer: prior.optimizer!,
    core: prior.adaptCore!,
    layout,
    frameSize: prior.hop,
    latency: prior.hop + prior.latency,
  };
}

/** Single mode, model online: the CLI's `--model online` denoiser at the context rate (STFT ≈ 32 ms). */
function onlineParts(config: DenoiserConfig): EngineParts {
  const sc = singleChannelConfig({
    model: {
      sampleRate: config.sampleRate,
      fftSize: config.fftSize ?? 2 ** Math.max(6, Math.round(Math.log2(0.032 * config.sampleRate))),
      ...pick(config, ['gainFloorDb']),
    },
    optimizer: {
      ...(config.learningRate !== undefined ? { learning_rate: config.learningRate } : {}),
      ...(config.beta1 !== undefined ? { beta_1: config.beta1 } : {}),
      ...(config.beta2 !== undefined ? { beta_2: config.beta2 } : {}),
    },
  });
  const m = createSingleChannelDenoiser(sc);
  // The denoiser learns and outputs with the raw weights; the EMA only feeds the snapshots.
  const emaSeconds = config.emaSeconds ?? 0.3;
  const hopRate = config.sampleRate / m.frameSize;
  const optimizer = new Adamax({
    ...adamaxOptionsFromConfig({ ...sc.optimizer }),
    useEma: emaSeconds > 0,
    ...(emaSeconds > 0 ? { emaMomentum: betaFromTimeConstant(emaSeconds, hopRate) } : {}),
  });
  const core = optimizer.buildFlat(m.layout);
  m.initParams(core.params);
  return {
    filter: null,
    model: m,
    prior: null,
    optimizer,
    core,
    layout: m.layout,
    frameSize: m.frameSize,
    latency: m.frameSize + m.latency,
  };
}

function pick<K extends keyof DenoiserConfig>(
  config: DenoiserConfig,
  keys: readonly K[],
): Partial<Pick<DenoiserConfig, K>> {
  const out: Partial<Pick<DenoiserConfig, K>> = {};
  for (const k of keys) if (config[k] !== undefined) out[k] = config[k];
  return out;
}

/** The CLI's canceller configuration at the context rate, with the node's overrides. */
function referenceCancellerOverrides(config: DenoiserConfig) {
  const optimizer: { learning_rate?: number; beta_1?: number } = {};
  if (config.learningRate !== undefined) optimizer.learning_rate = config.learningRate;
  if (config.beta1 !== undefined) optimizer.beta_1 = config.beta1;
  return referenceCancellerConfig(config.sampleRate, {
    optimizer,
    model: pick(config, ['blockSize', 'filterMs']),
    ...pick(config, ['beta2Seconds', 'emaSeconds']),
  });
}
