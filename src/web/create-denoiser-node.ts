/// <reference lib="dom" />
import { AudioUnavailableError } from '../core/errors.js';
import { priorFftSize } from '../models/prior/hop-analyzer.js';
import { defaultBlockSize } from '../models/reference-canceller-config.js';
import { type Observable, portStreams } from '../rx/port-streams.js';
import {
  DEFAULT_SINGLE_CHANNEL_NODE_MODEL,
  type DenoiserConfig,
  type DenoiserNodeOptions,
  resolveDenoiserConfig,
} from './denoiser-config.js';
import {
  DENOISER_PROCESSOR,
  type DenoiserCommand,
  type DenoiserMessage,
  type DenoiserSnapshot,
  type DenoiserStats,
} from './denoiser-messages.js';

/** Where and how the node is created: only needed outside a browser build of the package. */
export interface DenoiserEnvironment {
  /**
   * URL (or file path, for node-web-audio-api) of the processor module. Default: the
   * `denoiser-processor.js` shipped beside this module (`new URL('./denoiser-processor.js',
   * import.meta.url)`).
   */
  readonly processorUrl?: string | URL;
  /**
   * The `AudioWorkletNode` class of the audio API in use. Default `globalThis.AudioWorkletNode`
   * (browsers); pass node-web-audio-api's `AudioWorkletNode` under Node.
   */
  readonly AudioWorkletNode?: typeof AudioWorkletNode;
}

/** The denoiser node and the streams it reports on. */
export interface DenoiserNode {
  /** The node to connect: one input (1 channel, or 2 in reference mode), one mono output. */
  readonly node: AudioWorkletNode;
  /** The validated configuration the processor runs with. */
  readonly config: DenoiserConfig;
  /** Output delay in samples with respect to the input. */
  readonly latency: number;
  /** Stats every `reportIntervalMs` of audio. Completes on {@link dispose}. */
  readonly stats$: Observable<DenoiserStats>;
  /** Smoothed (EMA) model snapshots every `reportIntervalMs` (with `snapshots: true`). */
  readonly snapshots$: Observable<DenoiserSnapshot>;
  /** Stops the processor, disconnects the node and completes the streams. */
  dispose(): void;
}

/** Output delay in samples for a configuration (frame queueing plus the model's own delay). */
export function denoiserLatency(config: DenoiserConfig): number {
  if (config.mode === 'reference') return config.blockSize ?? defaultBlockSize(config.sampleRate);
  // the prior: one hop of queueing plus its own N/2 (hop N/2); the online model: the same with its STFT
  if ((config.model ?? DEFAULT_SINGLE_CHANNEL_NODE_MODEL) !== 'online') return priorFftSize(config.sampleRate);
  return config.fftSize ?? 2 ** Math.max(6, Math.round(Math.log2(0.032 * config.sampleRate)));
}

const modules = new WeakMap<object, Promise<void>>();

/** `addModule` accepts a URL in browsers; node-web-audio-api wants a file path for `file:` URLs. */
function moduleSpecifier(url: string | URL): string {
  const u = typeof url === 'string' ? url : url.href;
  if (!u.startsWith('file:')) return u;
  if (typeof window !== 'undefined') return u;
  const path = decodeURIComponent(new URL(u).pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

function loadModule(context: BaseAudioContext, url: string | URL): Promise<void> {
  let pending = modules.get(context);
  if (pending === undefined) {
    pending = context.audioWorklet.addModule(moduleSpecifier(url)).catch((cause: unknown) => {
      modules.delete(context);
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new AudioUnavailableError(
        `The denoiser processor could not be added to the AudioWorklet from ${String(url)}: ${detail}. ` +
          'Serve denoiser-processor.js beside the adamax-stream/web bundle, or pass environment.processorUrl.',
        { cause },
      );
    });
    modules.set(context, pending);
  }
  return pending;
}

function splitWeights(weights: Float32Array, groups: readonly { offset: number; length: number }[]): Float32Array[] {
  return groups.map((g) => weights.subarray(g.offset, g.offset + g.length));
}

/**
 * Creates the adaptive denoiser as an `AudioWorkletNode` in any Web Audio graph — `AudioContext`,
 * `OfflineAudioContext`, or node-web-audio-api's contexts — with one processor source for all.
 * The model learns inside the worklet, per render quantum, without allocation, SharedArrayBuffer
 * or cross-origin isolation. Reports come back through the node's port as RxJS Observables.
 *
 * @param context the audio context (its sample rate is the model's).
 * @param options mode and optimizer/filter settings; see {@link DenoiserNodeOptions}.
 * @param environment where the processor module and the node class come from (Node, tests).
 * @throws {InvalidOptionError} (synchronously) on bad options, listing every issue.
 * @throws {AudioUnavailableError} (as a rejection) when the context has no AudioWorklet or the
 *   processor module cannot be loaded.
 *
 * @example
 * const ctx = new AudioContext();
 * const { node, stats$ } = await createDenoiserNode(ctx, { mode: 'single' });
 * source.connect(node).connect(ctx.destination);
 * stats$.subscribe((s) => console.log(`${s.reductionDb.toFixed(1)} dB removed`));
 */
export async function createDenoiserNode(
  context: BaseAudioContext,
  options: DenoiserNodeOptions = {},
  environment: DenoiserEnvironment = {},
): Promise<DenoiserNode> {
  const config = resolveDenoiserConfig(options, context.sampleRate);
  const Node =
    environment.AudioWorkletNode ?? (globalThis as { AudioWorkletNode?: typeof AudioWorkletNode }).AudioWorkletNode;
  if (typeof Node !== 'function' || context.audioWorklet === undefined) {
    throw new AudioUnavailableError(
      'This environment has no AudioWorklet (AudioWorkletNode / context.audioWorklet): use a secure context (https or localhost) ' +
        "in a current browser, or pass node-web-audio-api's AudioWorkletNode as environment.AudioWorkletNode under Node.",
    );
  }
  await loadModule(context, environment.processorUrl ?? new URL('./denoiser-processor.js', import.meta.url));
  const reference = config.mode === 'reference';
  const node = new Node(context, DENOISER_PROCESSOR, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: reference ? 2 : 1,
    channelCountMode: 'explicit',
    channelInterpretation: reference ? 'discrete' : 'speakers',
    processorOptions: { config },
  });
  let groups: readonly { name: string; offset: number; length: number }[] = [];
  const bridge = portStreams<{ stats: DenoiserStats; snapshots: DenoiserSnapshot }>(
    ['stats', 'snapshots'],
    (data, emit) => {
      const m = data as DenoiserMessage;
      if (m.type === 'error') emit.fail(new AudioUnavailableError(`The denoiser processor failed: ${m.message}`));
      else if (m.type === 'ready') groups = m.groups;
      else if (m.type === 'report') {
        emit.stats(m.stats);
        if (m.weights !== null) {
          emit.snapshots({
            time: m.stats.time,
            iterations: m.iterations,
            weights: splitWeights(m.weights, groups),
            groups: groups.map((g) => g.name),
          });
        }
      }
    },
  );
  const port = node.port;
  node.onprocessorerror = () =>
    bridge.fail(
      new AudioUnavailableError(
        'The denoiser processor threw in process() or its constructor and stopped; the node now outputs silence.',
      ),
    );
  port.onmessage = (event: MessageEvent) => bridge.receive(event.data);
  let disposed = false;
  return {
    node,
    config,
    latency: denoiserLatency(config),
    stats$: bridge.streams.stats,
    snapshots$: bridge.streams.snapshots,
    dispose() {
      if (disposed) return;
      disposed = true;
      const stop: DenoiserCommand = { type: 'stop' };
      port.postMessage(stop);
      port.onmessage = null;
      node.disconnect();
      bridge.complete();
    },
  };
}
