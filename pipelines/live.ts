/**
 * Pipeline: live reference-based noise cancellation on the real-time path (`startLive`: an
 * AudioWorklet filters every render quantum with the latest EMA weights, the main thread learns
 * the FIR with Adamax). Without an input device the input is a generated two-microphone scene
 * (speech-like primary + noise through an unknown short path, and the noise as reference), played
 * in real time headless; the SNR before/after is then measured against its clean track.
 */
import { FirFilter, noiseCancellationScenario, snr } from '../src/index.js';
import { type LiveInput, type LiveOutput, type LiveResult, startLive } from '../src/node/io.js';

export interface LivePipelineOptions {
  /** Capture device id (channel 0 primary, channel 1 reference). Default: a generated scene. */
  readonly inputDevice?: string;
  /** `'none'` (headless, default), `'default'` or a device id. */
  readonly output?: LiveOutput;
  /** Seconds to run (the generated scene's length). Default 5. */
  readonly seconds?: number;
  /** Context rate. Default 16000. */
  readonly sampleRate?: number;
  /** Seed of the generated scene. Default 3. */
  readonly seed?: number;
  /** Called about every 250 ms with the fraction of `seconds` elapsed. */
  readonly onProgress?: (fraction: number) => void;
  /** Stops early. */
  readonly signal?: AbortSignal;
}

/** What a live run reports. */
export interface LiveSummary {
  readonly input: 'generated' | 'device';
  readonly sampleRate: number;
  readonly seconds: number;
  /** SNR over the last second against the generated scene's clean track (null for a device). */
  readonly snrInDb: number | null;
  readonly snrOutDb: number | null;
  readonly blocksProcessed: number;
  readonly blocksMissed: number;
  readonly framesLearned: number;
  readonly weightUpdates: number;
  readonly publishDeferred: number;
  readonly latencySamples: number;
  readonly updateLatencyMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly count: number;
  };
  readonly underrunEvents: number | null;
  readonly sink: string;
  readonly closed: boolean;
}

const FIR_TAPS = 16;
const FRAME = 128;

/** Runs the live canceller for `seconds` and returns its statistics. */
export async function runLive(options: LivePipelineOptions = {}): Promise<LiveSummary> {
  const seconds = options.seconds ?? 5;
  const sampleRate = options.sampleRate ?? 16000;
  const scene = options.inputDevice
    ? null
    : noiseCancellationScenario({ sampleRate, seconds, snrDb: 0, pathTaps: 8, seed: options.seed ?? 3 });
  const input: LiveInput = scene
    ? { kind: 'generated', channels: [scene.primary, scene.reference] }
    : { kind: 'device', deviceId: options.inputDevice! };
  const live = await startLive({
    model: new FirFilter({ taps: FIR_TAPS, frameSize: FRAME }),
    optimizer: { learningRate: 0.005, useEma: true, emaMomentum: 0.9 },
    input,
    output: options.output ?? 'none',
    sampleRate,
    publishEvery: 2,
  });
  const started = Date.now();
  const timer = setInterval(() => options.onProgress?.(Math.min(1, (Date.now() - started) / 1000 / seconds)), 250);
  try {
    // A generated scene ends by itself (`ended`; a generous guard in case the context stalls); a device runs `seconds`.
    const limitMs = scene ? seconds * 3000 + 10_000 : seconds * 1000;
    const deadline = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, limitMs);
      const stop = () => {
        clearTimeout(t);
        resolve();
      };
      void live.ended.then(stop);
      options.signal?.addEventListener('abort', stop, { once: true });
    });
    await deadline;
  } finally {
    clearInterval(timer);
  }
  const result: LiveResult = await live.stop();
  options.onProgress?.(1);
  let snrInDb: number | null = null;
  let snrOutDb: number | null = null;
  if (scene && result.output) {
    const n = scene.clean.length;
    const off = result.sourceOffset ?? 0;
    const last = Math.min(n, sampleRate);
    const clean = scene.clean.subarray(n - last);
    snrInDb = snr(clean, scene.primary.subarray(n - last));
    const out = result.output.subarray(off + n - last, off + n);
    snrOutDb = out.length === last ? snr(clean, out) : null;
  }
  return {
    input: scene ? 'generated' : 'device',
    sampleRate: result.sampleRate,
    seconds,
    snrInDb,
    snrOutDb,
    blocksProcessed: result.blocksProcessed,
    blocksMissed: result.blocksMissed,
    framesLearned: result.framesLearned,
    weightUpdates: result.weightUpdates,
    publishDeferred: result.publishDeferred,
    latencySamples: result.latencySamples,
    updateLatencyMs: result.updateLatencyMs,
    underrunEvents: result.underruns ? result.underruns.events : null,
    sink: result.sink,
    closed: result.closed,
  };
}
