/**
 * The minimal AudioWorkletGlobalScope surface the processors in this folder use, declared as
 * module-scoped types, not ambient globals, so the same source type-checks both in the worklet
 * build (`tsconfig.worklet.json`: ES2022, no DOM) and in the main program (which sees the DOM lib
 * through node-web-audio-api's typings). The processors read the scope through
 * `globalThis as unknown as AudioWorkletScope`. A types-only `.ts` (rather than a `.d.ts`) so the
 * declaration files of the build can resolve it; its emitted JavaScript is empty.
 */

/** `MessagePort` as seen from the processor (only what we use). */
export interface WorkletMessagePort {
  postMessage(message: unknown): void;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
}

/** Options the `AudioWorkletNode` constructor forwards to the processor. */
export interface WorkletProcessorConstructionOptions {
  readonly numberOfInputs?: number;
  readonly numberOfOutputs?: number;
  readonly processorOptions?: unknown;
}

/** Base class every processor extends. */
export interface AudioWorkletProcessorBase {
  readonly port: WorkletMessagePort;
}

export type AudioWorkletProcessorConstructor = new (
  options?: WorkletProcessorConstructionOptions,
) => AudioWorkletProcessorBase;

/** What a processor class must look like for `registerProcessor`. */
export interface ProcessorClass {
  new (
    options?: WorkletProcessorConstructionOptions,
  ): AudioWorkletProcessorBase & {
    process(
      inputs: readonly (readonly Float32Array[])[],
      outputs: readonly (readonly Float32Array[])[],
      parameters: Readonly<Record<string, Float32Array>>,
    ): boolean;
  };
}

/** The globals of AudioWorkletGlobalScope (plus `performance`, present under node-web-audio-api). */
export interface AudioWorkletScope {
  readonly AudioWorkletProcessor?: AudioWorkletProcessorConstructor;
  readonly registerProcessor?: (name: string, processorCtor: ProcessorClass) => void;
  readonly sampleRate?: number;
  readonly currentFrame?: number;
  readonly currentTime?: number;
  readonly renderQuantumSize?: number;
  readonly performance?: { now(): number; readonly timeOrigin: number };
}
