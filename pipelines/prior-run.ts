/**
 * The speech-prior denoiser hop by hop at the file's rate, with checkpoints: the engine of
 * `denoiseSingleChannel` (method `'prior'`). Output bit-identical to `PriorDenoiser.process` (the
 * same hops, zero-padded at the end, delay compensated). With `checkpoint`, every `every` hops the
 * output so far is appended to `<path>.partial` and the stream's whole state (`PriorStream.saveState`:
 * STFT buffers, features, noise tracker, the adapted last layer and its Adamax state incl. the EMA)
 * is written to the checkpoint, tagged with the model kind and version (`PRIOR_MODEL_VERSION`); a
 * later run of the same input and configuration resumes from it bit-identically.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { abortError } from '../src/core/abort-error.js';
import { CheckpointModelMismatchError } from '../src/core/errors.js';
import { type CheckpointOptions, DenoiseCheckpoint } from '../src/io/denoise-checkpoint.js';
import { priorCheckpoint } from '../src/io/prior-checkpoint.js';
import { PRIOR_MODEL_VERSION } from '../src/io/prior-model-version.js';
import { createPriorDenoiserFromConfig } from '../src/models/create-prior-denoiser-from-config.js';
import type { PriorStream } from '../src/models/prior/prior-stream.js';
import type { PriorConfig } from '../src/models/prior-config.js';
import { TraceRecorder } from '../src/report/trace-recorder.js';
import { norm } from './common.js';

export { PRIOR_MODEL_VERSION, priorCheckpoint };

export interface PriorRunOptions {
  readonly checkpoint?: CheckpointOptions | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((fraction: number) => void) | undefined;
  /** Hops between two turns of the event loop (abort and progress checks). Default 256. */
  readonly batch?: number | undefined;
}

export interface PriorRunResult {
  /** The output, aligned with the input (same length). */
  readonly y: Float32Array;
  /** Hops resumed from a checkpoint (0: a new run). */
  readonly resumedFrom: number;
  readonly hop: number;
  readonly latency: number;
  /** Per-hop trace (decimated): the adaptation's loss, learning rate and ‖Δ‖ (raw) / ‖EMA Δ‖. */
  readonly trace: TraceRecorder;
}

/** Records the adaptation's loss, learning rate and the norms of Δ (raw and EMA) at `step`. */
function traceHop(trace: TraceRecorder, stream: PriorStream, step: number): void {
  const core = stream.adaptCore;
  if (core === null) return;
  trace.record(step, {
    loss: stream.loss,
    lr: core.currentLearningRate(),
    raw: norm(core.params),
    ...(core.average ? { ema: norm(core.average) } : {}),
  });
}

/** Denoises `x` (mono, at `sampleRate`) with the prior of `config` (see the module doc). */
export async function priorRun(
  x: Float32Array,
  sampleRate: number,
  config: PriorConfig,
  options: PriorRunOptions = {},
): Promise<PriorRunResult> {
  const stream = createPriorDenoiserFromConfig(config).createStream(sampleRate);
  const { hop, latency } = stream;
  const total = Math.ceil((x.length + latency) / hop);
  const y = new Float32Array(total * hop);
  const trace = new TraceRecorder(total);
  const run = {
    input: x,
    sampleRate,
    modelRate: sampleRate,
    hop,
    config: JSON.stringify(config),
    model: 'prior',
    modelVersion: PRIOR_MODEL_VERSION,
  };
  const checkpoint = options.checkpoint ? DenoiseCheckpoint.open(options.checkpoint, run, y) : null;
  try {
    const from = checkpoint?.step ?? 0;
    const resume = checkpoint?.resume;
    if (resume) {
      const kind = resume.model?.kind ?? 'none';
      if (kind !== 'prior' || !resume.model) {
        throw new CheckpointModelMismatchError(
          `${kind}/${PRIOR_MODEL_VERSION}`,
          `prior/${PRIOR_MODEL_VERSION}`,
          `The checkpoint of this run holds the state of the model '${kind}', not the speech prior's; delete it to start over.`,
        );
      }
      stream.loadState(resume.model.state);
    }
    const batch = options.batch ?? 256;
    const frame = new Float32Array(hop);
    const out = new Float32Array(hop);
    for (let f = from; f < total; f++) {
      const start = f * hop;
      frame.fill(0);
      if (start < x.length) frame.set(x.subarray(start, Math.min(start + hop, x.length)));
      stream.process(frame, out);
      y.set(out, start);
      const step = f + 1;
      if (trace.wants(step)) traceHop(trace, stream, step);
      if (checkpoint && step % checkpoint.every === 0 && step < total)
        checkpoint.save(priorCheckpoint(stream, step), step);
      if (step % batch === 0) {
        options.onProgress?.(step / total);
        await turn();
        if (options.signal?.aborted) throw abortError(options.signal);
      }
    }
    checkpoint?.complete();
    return { y: y.subarray(latency, latency + x.length), resumedFrom: from, hop, latency, trace };
  } finally {
    checkpoint?.release();
  }
}
