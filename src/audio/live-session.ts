import type { AudioContext, AudioNode } from 'node-web-audio-api';
import { AudioUnavailableError, InvalidOptionError, type OptionIssue } from '../core/errors.js';
import type { AdaptiveModel, ModelState } from '../models/adaptive-model.js';
import { FirFilter } from '../models/fir-filter.js';
import { Adamax } from '../optim/adamax.js';
import type { AdamaxCore } from '../optim/adamax-core.js';
import type { AdamaxOptions } from '../optim/adamax-options.js';
import type { FiniteStep } from '../optim/finite-step.js';
import { assertAudioWorkletSupported, loadWebAudio, type WebAudioModule } from './load-web-audio.js';
import { workletModulePath } from './worklet-module-url.js';
import {
  ADAPTIVE_FILTER_PROCESSOR,
  type AdaptiveFilterProcessorOptions,
  Ctl,
  createLiveBuffers,
  type LiveBuffers,
  stftLatency,
  Times,
} from './worklets/adaptive-filter-processor.js';

/** A generated input: an AudioBuffer (channel 0 primary, channel 1 reference) played once. */
export interface LiveGeneratedInput {
  readonly kind: 'generated';
  /** Planar channels at the session's sample rate (1 or 2, same length). */
  readonly channels: readonly Float32Array[];
  /** Seconds between the graph being ready and the first sample. Default 0.05. */
  readonly startDelay?: number;
}

/**
 * A capture device. Channel 0 is the primary; a second device channel (stereo input) is the
 * reference. Only used when `mediaDevices.enumerateDevices()` lists a matching `audioinput`;
 * ALSA's null device ("Discard all samples … generate zero samples") only matches by `deviceId`.
 */
export interface LiveDeviceInput {
  readonly kind: 'device';
  /** Exact device id from `enumerateDevices()`. */
  readonly deviceId?: string;
  /** Case-insensitive substring of the device label. */
  readonly label?: string;
}

export type LiveInput = LiveGeneratedInput | LiveDeviceInput;

/**
 * Where the processed audio goes: `'none'` (default; headless `sinkId: { type: 'none' }`, paced in
 * real time), `'default'` (the default output device if one is listed, else `'none'`), or a device id.
 */
export type LiveOutput = 'none' | 'default' | { readonly deviceId: string };

/** How the worklet applies the model's (smoothed) parameters. */
export type LiveFilter =
  | {
      /** Time-domain FIR on the reference (output = primary − prediction). Taps/delay/input default to the FirFilter model's. */
      readonly kind: 'fir';
      readonly taps?: number;
      readonly delay?: number;
      readonly input?: 'reference' | 'primary';
    }
  | {
      /** Per-bin spectral gains (K = fftSize/2 + 1) applied by a √Hann WOLA STFT in the worklet; latency fftSize − 128. */
      readonly kind: 'gain';
      /** STFT length: 256 or 512. Default 512. */
      readonly fftSize?: 256 | 512;
      /** Maps the model parameters (EMA weights) to the K gains written to the worklet. */
      readonly gains: (params: Float32Array, gains: Float32Array) => void;
    };

export interface LiveOptions {
  /** The model learned on the main thread from the incoming frames (`frameSize`, `channels` ≤ 2). */
  readonly model: AdaptiveModel;
  /**
   * An unbuilt Adamax, or options for one. Default `{ learningRate: 0.005, useEma: true, emaMomentum: 0.9 }`.
   * With `useEma` the EMA weights (`core.average`) are published, else the raw parameters.
   */
  readonly optimizer?: Adamax | AdamaxOptions;
  /** Default: `{ kind: 'fir' }` for a model of kind `'fir'`; required otherwise. */
  readonly filter?: LiveFilter;
  readonly input: LiveInput;
  /** Default `'none'`. */
  readonly output?: LiveOutput;
  /** Context sample rate in Hz (3000–768000). Default 16000. */
  readonly sampleRate?: number;
  /** Learned frames between two weight publications. Default 2. */
  readonly publishEvery?: number;
  /** Record the processed output (and the input) for the result. Default true. */
  readonly record?: boolean;
  /**
   * The recording keeps at most this many seconds (from the start); later audio is counted in
   * `recordDroppedSamples`, so a long session's memory stays bounded. Default 60 (≈ 11 MB per channel at
   * 48 kHz); `Infinity` records everything.
   */
  readonly recordSeconds?: number;
  /** Seconds of audio the SharedArrayBuffer rings hold (rounded up to a power of two). Default 4. */
  readonly ringSeconds?: number;
  /** Main-thread polling period in ms. Default 4. */
  readonly pollIntervalMs?: number;
}

/** Counters of a running session. */
export interface LiveStats {
  /** Render quanta the worklet processed. */
  readonly blocksProcessed: number;
  /** Quanta lost: input-ring overruns (main thread too slow) + `currentFrame` discontinuities. */
  readonly blocksMissed: number;
  readonly inputOverruns: number;
  readonly frameGaps: number;
  /** Blocks not recorded because the output ring was full. */
  readonly outputOverruns: number;
  /** Blocks whose filtered output was non-finite and replaced by the primary. */
  readonly nonFiniteBlocks: number;
  /** Model frames learned on the main thread. */
  readonly framesLearned: number;
  /** Weight publications the worklet has switched to. */
  readonly weightUpdates: number;
  /** Publications postponed because the previous one was not yet taken up. */
  readonly publishDeferred: number;
  /** Loss of the last learned frame. */
  readonly lastLoss: number;
  /** Input frames holding NaN/±Infinity: not learned from (the model state is kept as it was). */
  readonly nonFiniteFrames: number;
  /** Updates rolled back because they would have made the weights or moments non-finite. */
  readonly rejectedSteps: number;
  /** Output samples not recorded because `recordSeconds` was reached. */
  readonly recordDroppedSamples: number;
  /** Largest input-ring backlog seen by a main-thread poll, in samples (how far learning lagged the audio). */
  readonly maxRingLag: number;
  /** `ctx.currentTime` in seconds. */
  readonly contextTime: number;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export interface LiveResult extends LiveStats {
  readonly sampleRate: number;
  /** The processed output as the worklet produced it, from its first block; `null` when `record` is false. */
  readonly output: Float32Array | null;
  /** The input channels as the worklet received them (same time base as `output`); empty when `record` is false. */
  readonly input: readonly Float32Array[];
  /** Index in `input`/`output` of the generated source's sample 0 (`null` for a device input). */
  readonly sourceOffset: number | null;
  /** Algorithmic delay of the worklet filter in samples (0 for FIR, fftSize − 128 for the STFT gain). */
  readonly latencySamples: number;
  /** Main-thread write → start of the first render quantum using the new weights, in ms. */
  readonly updateLatencyMs: LatencySummary;
  /** From `ctx.playbackStats` when the implementation has it (`underrunDuration` is in seconds), else `null`. */
  readonly underruns: { readonly events: number; readonly durationMs: number } | null;
  /** The last published weights. */
  readonly weights: Float32Array;
  /** `'none'` for the headless sink, otherwise the output device id (`''` = default device). */
  readonly sink: string;
  /** Whether the AudioContext reports `state === 'closed'` after `stop()` (always true unless the implementation misbehaves). */
  readonly closed: boolean;
}

export interface LiveHandle {
  /** Current counters (cheap; reads the shared counters). */
  stats(): LiveStats;
  /** Resolves when a generated input has finished playing (or the session stopped). */
  readonly ended: Promise<void>;
  /** Stops learning, closes the AudioContext (always) and returns the result. Idempotent. */
  stop(): Promise<LiveResult>;
}

type Ctx = AudioContext;

const NULL_DEVICE = /discard all samples|generate zero samples/i;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** A Float32Array that grows by doubling (main thread only). */
/** Grows up to `limit` samples; samples beyond it are counted in `dropped`, not kept. */
class Recorder {
  private data = new Float32Array(1 << 15);
  length = 0;
  dropped = 0;
  constructor(private readonly limit: number) {}
  push(ring: Float32Array, start: number, count: number, mask: number): void {
    const n = Math.min(count, this.limit - this.length);
    this.dropped += count - n;
    if (n <= 0) return;
    if (this.length + n > this.data.length) {
      let cap = this.data.length;
      while (cap < this.length + n) cap *= 2;
      const next = new Float32Array(cap);
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    for (let i = 0; i < n; i++) this.data[this.length + i] = ring[(start + i) & mask]!;
    this.length += n;
  }
  result(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

function frameIsFinite(frame: readonly Float32Array[]): boolean {
  for (let c = 0; c < frame.length; c++) {
    const ch = frame[c]!;
    for (let i = 0; i < ch.length; i++) {
      const x = ch[i]!;
      if (x - x !== 0) return false;
    }
  }
  return true;
}

function validate(options: LiveOptions): void {
  const issues: OptionIssue[] = [];
  const add = (option: string, message: string) => issues.push({ option, message });
  const { model, input } = options;
  if (model === null || typeof model !== 'object' || typeof model.step !== 'function') {
    add('model', '`model` must be an AdaptiveModel (with layout, frameSize, channels, step).');
  } else if (model.channels < 1 || model.channels > 2) {
    add('model', `\`model.channels\` must be 1 or 2 for the live path. Received: ${model.channels}`);
  }
  const sr = options.sampleRate ?? 16000;
  if (!Number.isFinite(sr) || sr < 3000 || sr > 768000) {
    add('sampleRate', `\`sampleRate\` must be in [3000, 768000]. Received: sampleRate=${String(sr)}`);
  }
  for (const key of ['publishEvery', 'pollIntervalMs', 'ringSeconds', 'recordSeconds'] as const) {
    const v = options[key];
    const ok = typeof v === 'number' && v > 0 && (Number.isFinite(v) || key === 'recordSeconds');
    if (v !== undefined && !ok) {
      add(key, `\`${key}\` must be a positive number. Received: ${key}=${String(v)}`);
    }
  }
  if (input?.kind === 'generated') {
    const chans = input.channels;
    if (!Array.isArray(chans) || chans.length < 1 || chans.length > 2 || chans[0]!.length === 0) {
      add('input', '`input.channels` must hold 1 or 2 non-empty Float32Arrays (primary, reference).');
    } else if (chans.some((c) => c.length !== chans[0]!.length)) {
      add('input', '`input.channels` must all have the same length.');
    }
  } else if (input?.kind !== 'device') {
    add('input', "`input.kind` must be 'generated' or 'device'.");
  }
  const filter = options.filter ?? (model?.kind === 'fir' ? { kind: 'fir' as const } : undefined);
  if (filter === undefined) {
    add('filter', `\`filter\` is required for a model of kind '${String(model?.kind)}' (only 'fir' has a default).`);
  } else if (filter.kind === 'gain') {
    if (typeof filter.gains !== 'function') add('filter', "`filter.gains` must be a function for kind 'gain'.");
    if (filter.fftSize !== undefined && filter.fftSize !== 256 && filter.fftSize !== 512) {
      add('filter', `\`filter.fftSize\` must be 256 or 512. Received: ${String(filter.fftSize)}`);
    }
  } else if (filter.kind !== 'fir') {
    add('filter', "`filter.kind` must be 'fir' or 'gain'.");
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);
}

async function createContext(wa: WebAudioModule, output: LiveOutput, sampleRate: number): Promise<[Ctx, string]> {
  const headless = () => new wa.AudioContext({ sinkId: { type: 'none' }, sampleRate } as AudioContextOptions);
  if (output === 'none') return [headless(), 'none'];
  const devices = await wa.mediaDevices.enumerateDevices();
  const outputs = devices.filter((d) => d.kind === 'audiooutput');
  if (output === 'default') {
    if (!outputs.some((d) => !NULL_DEVICE.test(d.label))) return [headless(), 'none'];
    try {
      return [new wa.AudioContext({ sampleRate }), ''];
    } catch {
      return [headless(), 'none'];
    }
  }
  const match = outputs.find((d) => d.deviceId === output.deviceId);
  if (!match) {
    throw new AudioUnavailableError(
      `Output device '${output.deviceId}' is not available. Listed audio outputs: ${
        outputs.map((d) => `'${d.deviceId}' (${d.label})`).join(', ') || 'none'
      }. Use output: 'none' for a headless session.`,
    );
  }
  return [new wa.AudioContext({ sinkId: match.deviceId, sampleRate } as AudioContextOptions), match.deviceId];
}

async function deviceSource(wa: WebAudioModule, ctx: Ctx, input: LiveDeviceInput): Promise<AudioNode> {
  const devices = await wa.mediaDevices.enumerateDevices();
  const inputs = devices.filter((d) => d.kind === 'audioinput');
  const match = inputs.find((d) =>
    input.deviceId !== undefined
      ? d.deviceId === input.deviceId
      : !NULL_DEVICE.test(d.label) &&
        (input.label === undefined || d.label.toLowerCase().includes(input.label.toLowerCase())),
  );
  if (!match) {
    const wanted =
      input.deviceId !== undefined
        ? `with id '${input.deviceId}'`
        : input.label !== undefined
          ? `whose label contains '${input.label}'`
          : '(any real capture device)';
    throw new AudioUnavailableError(
      `No audio input device ${wanted} is available, so the microphone is not opened ` +
        `(getUserMedia without a device aborts the process in node-web-audio-api). Listed audio inputs: ${
          inputs.map((d) => `'${d.deviceId}' (${d.label})`).join(', ') || 'none'
        }. Use input: { kind: 'generated', channels } for a headless session.`,
    );
  }
  const stream = await wa.mediaDevices.getUserMedia({ audio: { deviceId: match.deviceId } });
  return ctx.createMediaStreamSource(stream);
}

/**
 * Starts the live real-time path: an AudioContext (headless `sinkId: { type: 'none' }` unless an
 * output device is requested and present) runs the adaptive-filter AudioWorklet on the input
 * (a generated AudioBuffer or a capture device); the main thread reads the input from a
 * SharedArrayBuffer ring, learns the model with Adamax prequentially, frame by frame, and publishes
 * the smoothed (EMA) weights back through the worklet's double buffer every `publishEvery` frames.
 *
 * The context is always closed: on a start-up failure before this resolves, and by `stop()`.
 *
 * @throws {InvalidOptionError} for bad options; {@link AudioUnavailableError} when node-web-audio-api
 *   cannot load or the requested device is not listed (the microphone is never opened blindly).
 *
 * @example
 * const live = await startLive({ model: new FirFilter({ taps: 32, frameSize: 128 }), input: { kind: 'generated', channels: [noisy, noise] } });
 * await live.ended;
 * const result = await live.stop(); // result.output, result.updateLatencyMs.p50, …
 */
export async function startLive(options: LiveOptions): Promise<LiveHandle> {
  validate(options);
  const sampleRate = options.sampleRate ?? 16000;
  const wa = await loadWebAudio();
  assertAudioWorkletSupported();
  const learner = createLearner(options);
  const plan = planWorklet(options, sampleRate);
  const buffers: LiveBuffers = createLiveBuffers(plan.spec, options.record ?? true);
  const published = new Float32Array(plan.spec.weightCount);
  plan.toWeights(learner.core.average ?? learner.core.params, published);
  buffers.slots[0].set(published);
  const [ctx, sink] = await createContext(wa, options.output ?? 'none', sampleRate);
  let timing: SourceTiming;
  try {
    timing = await connectGraph(wa, ctx, buffers, plan, options.input, sampleRate);
  } catch (error) {
    await ctx.close();
    throw error;
  }
  const loop = new LiveLoop(options, learner, plan, buffers, published, ctx, sink, timing, sampleRate);
  return { stats: () => loop.stats(), ended: loop.ended, stop: () => loop.stop() };
}

/** The main-thread learner: the model, its state, and Adamax built on the model's flat layout. */
interface Learner {
  readonly model: AdaptiveModel;
  readonly optimizer: Adamax;
  readonly core: AdamaxCore;
  readonly state: ModelState;
}

function createLearner(options: LiveOptions): Learner {
  const { model } = options;
  const optimizer =
    options.optimizer instanceof Adamax
      ? options.optimizer
      : new Adamax(options.optimizer ?? { learningRate: 0.005, useEma: true, emaMomentum: 0.9 });
  const core: AdamaxCore = optimizer.buildFlat(model.layout);
  model.initParams(core.params);
  if (core.average) core.average.set(core.params);
  return { model, optimizer, core, state: model.createState() };
}

/** What the worklet runs and how model parameters become its weights. */
interface WorkletPlan {
  readonly spec: Omit<AdaptiveFilterProcessorOptions, 'control' | 'times' | 'weights' | 'inputRing' | 'outputRing'>;
  readonly toWeights: (params: Float32Array, out: Float32Array) => void;
  /** Algorithmic delay of the worklet's filter in samples. */
  readonly latencySamples: number;
  readonly ringCapacity: number;
  readonly ringChannels: number;
}

function planWorklet(options: LiveOptions, sampleRate: number): WorkletPlan {
  const { model, input } = options;
  const filter: LiveFilter = options.filter ?? { kind: 'fir' };
  let ringCapacity = 1024;
  while (ringCapacity < (options.ringSeconds ?? 4) * sampleRate) ringCapacity *= 2;
  const ringChannels = Math.max(model.channels, input.kind === 'generated' ? input.channels.length : 2) > 1 ? 2 : 1;
  if (filter.kind === 'fir') {
    const fir = model instanceof FirFilter ? model : undefined;
    const taps = filter.taps ?? fir?.taps ?? model.layout.size;
    const spec = {
      kind: 'fir' as const,
      weightCount: taps,
      delay: filter.delay ?? fir?.delay ?? 0,
      input: filter.input ?? fir?.input ?? 'reference',
      ringChannels,
      ringCapacity,
    };
    const toWeights = (params: Float32Array, out: Float32Array) => out.set(params.subarray(0, taps));
    return { spec, toWeights, latencySamples: 0, ringCapacity, ringChannels };
  }
  const fftSize = filter.fftSize ?? 512;
  const spec = { kind: 'gain' as const, weightCount: fftSize / 2 + 1, fftSize, ringChannels, ringCapacity };
  return { spec, toWeights: filter.gains, latencySamples: stftLatency(fftSize, 128), ringCapacity, ringChannels };
}

/** Where a generated source starts in context frames, its length, and when its `ended` event came. */
interface SourceTiming {
  readonly offset: number | null;
  readonly length: number;
  endedAt: number | null;
}

/** Loads the worklet, connects source → worklet → destination and starts a generated source. */
async function connectGraph(
  wa: WebAudioModule,
  ctx: Ctx,
  buffers: LiveBuffers,
  plan: WorkletPlan,
  input: LiveInput,
  sampleRate: number,
): Promise<SourceTiming> {
  await ctx.audioWorklet.addModule(await workletModulePath('adaptive-filter-processor'));
  const node = new wa.AudioWorkletNode(ctx, ADAPTIVE_FILTER_PROCESSOR, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: plan.ringChannels,
    channelCountMode: 'explicit',
    channelInterpretation: 'discrete',
    processorOptions: buffers.options,
  });
  node.connect(ctx.destination);
  if (input.kind !== 'generated') {
    (await deviceSource(wa, ctx, input)).connect(node);
    return { offset: null, length: 0, endedAt: null };
  }
  const length = input.channels[0]!.length;
  const buffer = new wa.AudioBuffer({ numberOfChannels: input.channels.length, length, sampleRate });
  input.channels.forEach((c, i) => {
    buffer.copyToChannel(new Float32Array(c), i); // a non-shared copy
  });
  const source = new wa.AudioBufferSourceNode(ctx, { buffer });
  source.connect(node);
  // the worklet stamps the frame of its first block; start on a known frame to align the recordings
  const startFrame = Math.ceil((ctx.currentTime + (input.startDelay ?? 0.05)) * sampleRate);
  const timing: SourceTiming = { offset: startFrame, length, endedAt: null };
  source.onended = () => {
    timing.endedAt = performance.now();
  };
  source.start(startFrame / sampleRate);
  return timing;
}

/**
 * The main-thread side of a running session: every `pollIntervalMs` it reads new input from the
 * ring, learns frame by frame (non-finite frames skipped, the step transactional), publishes the
 * EMA weights through the double buffer every `publishEvery` frames (deferred while the worklet has
 * not acknowledged the previous ones), measures publish → acknowledge latency, and records input
 * and output. `stop()` closes the context and returns the recordings and statistics.
 */
class LiveLoop {
  readonly ended: Promise<void>;
  private endedResolve!: () => void;
  private readonly publishEvery: number;
  private readonly mask: number;
  private readonly frame: Float32Array[];
  private readonly modelOutput: Float32Array;
  private readonly recIn: Recorder[];
  private readonly recOut: Recorder | null;
  private readonly latencies: number[] = [];
  /** The transactional optimizer step (rolls back non-finite results). */
  private readonly guard: FiniteStep;
  private readonly timer: ReturnType<typeof setInterval>;
  private fill = 0;
  private samplesRead = 0;
  private maxRingLag = 0;
  private framesLearned = 0;
  private lastLoss = Number.NaN;
  private publishDeferred = 0;
  private weightUpdates = 0;
  private wantPublish = false;
  private awaiting: { seq: number; t: number } | null = null;
  private nonFiniteFrames = 0;
  private failure: unknown = null;
  private stopping: Promise<LiveResult> | null = null;

  constructor(
    options: LiveOptions,
    private readonly learner: Learner,
    private readonly plan: WorkletPlan,
    private readonly buffers: LiveBuffers,
    private readonly published: Float32Array,
    private readonly ctx: Ctx,
    private readonly sink: string,
    private readonly timing: SourceTiming,
    private readonly sampleRate: number,
  ) {
    this.ended = new Promise<void>((resolve) => {
      this.endedResolve = resolve;
    });
    const { model } = learner;
    this.guard = learner.optimizer.finiteStep;
    this.publishEvery = Math.max(1, Math.round(options.publishEvery ?? 2));
    this.mask = plan.ringCapacity - 1;
    this.frame = Array.from({ length: model.channels }, () => new Float32Array(model.frameSize));
    this.modelOutput = new Float32Array(model.frameSize);
    const record = options.record ?? true;
    const recordLimit = Math.min(2 ** 31 - 1, Math.ceil((options.recordSeconds ?? 60) * sampleRate));
    this.recIn = record ? Array.from({ length: plan.ringChannels }, () => new Recorder(recordLimit)) : [];
    this.recOut = record ? new Recorder(recordLimit) : null;
    this.timer = setInterval(() => this.safeTick(), options.pollIntervalMs ?? 4);
  }

  private tryPublish(): void {
    const ctl = this.buffers.control;
    const pub = Atomics.load(ctl, Ctl.PubSeq);
    if (Atomics.load(ctl, Ctl.AckSeq) !== pub) {
      this.publishDeferred++;
      this.wantPublish = true;
      return;
    }
    this.wantPublish = false;
    const slot = this.buffers.slots[(pub + 1) & 1];
    const core = this.learner.core;
    this.plan.toWeights(core.average ?? core.params, slot);
    this.published.set(slot);
    this.awaiting = { seq: pub + 1, t: nowMs() };
    Atomics.store(ctl, Ctl.PubSeq, pub + 1);
  }

  private checkAck(): void {
    if (this.awaiting !== null && Atomics.load(this.buffers.control, Ctl.AckSeq) === this.awaiting.seq) {
      this.latencies.push(this.buffers.times[Times.AckTime]! - this.awaiting.t);
      this.weightUpdates++;
      this.awaiting = null;
    }
  }

  /** Learns from every complete frame in `avail` new ring samples starting at `r`. */
  private learnFrom(r: number, avail: number): void {
    const { frame, mask, buffers } = this;
    const { model, core, state } = this.learner;
    const frameSize = model.frameSize;
    for (let i = 0; i < avail; i++) {
      const idx = (r + i) & mask;
      for (let c = 0; c < frame.length; c++) frame[c]![this.fill] = buffers.inputRing[c]![idx]!;
      if (++this.fill !== frameSize) continue;
      this.fill = 0;
      if (!frameIsFinite(frame)) {
        // A NaN/Inf sample would poison the model state and Adamax's u for good: skip the frame.
        this.nonFiniteFrames++;
        continue;
      }
      this.lastLoss = model.step(core.params, state, frame, this.modelOutput, core.grads);
      model.postStep?.(core.params, state, core.grads);
      this.guard.step();
      this.framesLearned++;
      if (this.framesLearned % this.publishEvery === 0) this.tryPublish();
    }
  }

  private tick(): void {
    const { buffers, mask } = this;
    const ctl = buffers.control;
    this.checkAck();
    const r = Atomics.load(ctl, Ctl.InRead);
    const avail = (Atomics.load(ctl, Ctl.InWrite) - r) | 0;
    if (avail > this.maxRingLag) this.maxRingLag = avail;
    if (avail > 0) {
      for (let c = 0; c < this.recIn.length; c++) this.recIn[c]!.push(buffers.inputRing[c]!, r, avail, mask);
      this.learnFrom(r, avail);
      Atomics.store(ctl, Ctl.InRead, (r + avail) | 0);
      this.samplesRead += avail;
    }
    const { offset, length, endedAt } = this.timing;
    if (offset !== null) {
      // `ended` once the worklet has delivered the whole source plus the filter latency (the
      // AudioBufferSourceNode's `ended` event can precede the last blocks reaching the ring)
      const firstFrame = buffers.times[Times.FirstFrame]!;
      const reached =
        Number.isFinite(firstFrame) && this.samplesRead >= offset - firstFrame + length + this.plan.latencySamples;
      if (reached || (endedAt !== null && performance.now() - endedAt > 1000)) this.endedResolve();
    }
    if (this.wantPublish) this.tryPublish();
    this.checkAck();
    if (this.recOut && buffers.outputRing) {
      const ow = Atomics.load(ctl, Ctl.OutWrite);
      const or = Atomics.load(ctl, Ctl.OutRead);
      const n = (ow - or) | 0;
      if (n > 0) {
        this.recOut.push(buffers.outputRing, or, n, mask);
        Atomics.store(ctl, Ctl.OutRead, ow);
      }
    }
  }

  private safeTick(): void {
    if (this.failure !== null) return;
    try {
      this.tick();
    } catch (error) {
      this.failure = error;
      this.endedResolve();
    }
  }

  stats(): LiveStats {
    const ctl = this.buffers.control;
    const inputOverruns = Atomics.load(ctl, Ctl.InputOverruns);
    const frameGaps = Atomics.load(ctl, Ctl.FrameGaps);
    return {
      blocksProcessed: Atomics.load(ctl, Ctl.Blocks),
      blocksMissed: inputOverruns + frameGaps,
      inputOverruns,
      frameGaps,
      outputOverruns: Atomics.load(ctl, Ctl.OutputOverruns),
      nonFiniteBlocks: Atomics.load(ctl, Ctl.NonFiniteBlocks),
      framesLearned: this.framesLearned,
      weightUpdates: this.weightUpdates,
      publishDeferred: this.publishDeferred,
      lastLoss: this.lastLoss,
      nonFiniteFrames: this.nonFiniteFrames,
      rejectedSteps: this.guard.rejected,
      recordDroppedSamples: this.recOut ? this.recOut.dropped : 0,
      maxRingLag: this.maxRingLag,
      contextTime: this.ctx.currentTime,
    };
  }

  stop(): Promise<LiveResult> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<LiveResult> {
    clearInterval(this.timer);
    let underruns: LiveResult['underruns'] = null;
    let final: LiveStats;
    const { ctx } = this;
    try {
      this.safeTick();
      final = this.stats();
      const playback = (ctx as unknown as { playbackStats?: { underrunEvents: number; underrunDuration: number } })
        .playbackStats;
      if (playback && typeof playback.underrunEvents === 'number') {
        underruns = { events: playback.underrunEvents, durationMs: playback.underrunDuration * 1000 };
      }
    } finally {
      this.endedResolve();
      await ctx.close();
    }
    if (this.failure !== null) throw this.failure;
    const sorted = this.latencies.slice().sort((a, b) => a - b);
    const firstFrame = this.buffers.times[Times.FirstFrame]!;
    const offset = this.timing.offset;
    return {
      ...final,
      sampleRate: this.sampleRate,
      output: this.recOut ? this.recOut.result() : null,
      input: this.recIn.map((r) => r.result()),
      sourceOffset: offset !== null && Number.isFinite(firstFrame) ? offset - firstFrame : null,
      latencySamples: this.plan.latencySamples,
      updateLatencyMs: {
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
        count: sorted.length,
      },
      underruns,
      weights: this.published.slice(),
      sink: this.sink,
      closed: ctx.state === 'closed',
    };
  }
}
