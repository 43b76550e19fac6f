/**
 * AudioWorklet entry of the denoiser node: registers {@link DENOISER_PROCESSOR}. The learning runs
 * here, inside `process()`, in the {@link DenoiserEngine} (the library's FD-Adamax filter or online
 * denoiser, bundled into this file by the build): no SharedArrayBuffer, no cross-origin isolation.
 * Every `reportIntervalMs` of audio a report (stats plus, optionally, a copy of the EMA weights)
 * is posted through the port; that copy and the structured clone are the only allocations, and
 * only at the report rate.
 */
import type {
  AudioWorkletScope,
  ProcessorClass,
  WorkletProcessorConstructionOptions,
} from '../audio/worklets/audio-worklet-scope.js';
import type { DenoiserConfig } from './denoiser-config.js';
import { DenoiserEngine, Stat } from './denoiser-engine.js';
import { DENOISER_PROCESSOR, type DenoiserCommand, type DenoiserMessage } from './denoiser-messages.js';

const scope = globalThis as unknown as AudioWorkletScope;

function db(energy: number, samples: number): number {
  return samples > 0 ? 10 * Math.log10(energy / samples) : Number.NaN;
}

/** The report of the interval that just ended (stats, and a copy of the EMA weights with snapshots on). */
function reportMessage(e: DenoiserEngine, time: number): DenoiserMessage {
  const st = e.stats;
  const w = e.snapshotWeights;
  let norm = 0;
  for (let i = 0; i < w.length; i++) norm += w[i]! * w[i]!;
  const inputDb = db(st[Stat.InputEnergy]!, st[Stat.Samples]!);
  const outputDb = db(st[Stat.OutputEnergy]!, st[Stat.Samples]!);
  return {
    type: 'report',
    stats: {
      time,
      inputDb,
      outputDb,
      reductionDb: inputDb - outputDb,
      loss: st[Stat.Frames]! > 0 ? st[Stat.LossSum]! / st[Stat.Frames]! : Number.NaN,
      learningRate: e.learningRate,
      weightNorm: Math.sqrt(norm),
      steps: st[Stat.TotalFrames]!,
      bypassed: e.bypassed,
      resets: e.resets,
      nonFinite: st[Stat.NonFinite]!,
    },
    iterations: e.core.iterations,
    weights: e.config.snapshots ? w.slice() : null,
  };
}

function defineProcessor(base: NonNullable<AudioWorkletScope['AudioWorkletProcessor']>): ProcessorClass {
  return class DenoiserProcessor extends base {
    private readonly engine: DenoiserEngine;
    private readonly reportEvery: number;
    private sinceReport = 0;
    private frame = 0;
    private running = true;

    constructor(options?: WorkletProcessorConstructionOptions) {
      super(options);
      const config = (options?.processorOptions as { config?: DenoiserConfig } | undefined)?.config;
      if (config === undefined)
        throw new TypeError(
          `${DENOISER_PROCESSOR}: processorOptions.config is missing; create the node with createDenoiserNode().`,
        );
      try {
        this.engine = new DenoiserEngine(config);
      } catch (e) {
        const failed: DenoiserMessage = {
          type: 'error',
          message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        };
        this.port.postMessage(failed);
        throw e;
      }
      this.reportEvery = Math.round((config.reportIntervalMs / 1000) * config.sampleRate);
      this.port.onmessage = (event) => this.command(event.data as DenoiserCommand);
      const e = this.engine;
      const ready: DenoiserMessage = {
        type: 'ready',
        latency: e.latency,
        frameSize: e.frameSize,
        groups: e.layout.groups.map((g) => ({ name: g.name, offset: g.offset, length: g.length })),
      };
      this.port.postMessage(ready);
    }

    private command(c: DenoiserCommand): void {
      if (c.type === 'stop') this.running = false;
    }

    process(inputs: readonly (readonly Float32Array[])[], outputs: readonly (readonly Float32Array[])[]): boolean {
      const out = outputs[0]?.[0];
      if (out === undefined) return this.running;
      const input = inputs[0];
      this.engine.process(input?.[0], input?.[1], out);
      const channels = outputs[0]!;
      for (let c = 1; c < channels.length; c++) channels[c]!.set(out);
      this.frame += out.length;
      if (this.reportEvery > 0) {
        this.sinceReport += out.length;
        if (this.sinceReport >= this.reportEvery) {
          this.sinceReport = 0;
          this.report();
        }
      }
      return this.running;
    }

    /** Posts one report (allocates: the message and, with snapshots, a copy of the weights). */
    private report(): void {
      const message = reportMessage(this.engine, (scope.currentFrame ?? this.frame) / this.engine.config.sampleRate);
      this.engine.clearInterval();
      this.port.postMessage(message);
    }
  };
}

if (typeof scope.registerProcessor === 'function' && typeof scope.AudioWorkletProcessor === 'function') {
  scope.registerProcessor(DENOISER_PROCESSOR, defineProcessor(scope.AudioWorkletProcessor));
}
