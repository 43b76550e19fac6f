import { canStreamDenoise, streamDenoiseFile } from '../../pipelines/stream-denoise-file.js';
import { AdamaxStreamError } from '../core/errors.js';
import type { PriorOverrides } from '../models/prior-config.js';
import type { SingleChannelConfig } from '../models/single-channel-config.js';
import { isAbortError } from '../node/index.js';
import { CliInterrupted, type CommandContext, withInterrupt } from './io.js';
import { ProgressBar } from './progress.js';

/** What decides between the constant-memory path and the whole-file path. */
export interface StreamChoice {
  readonly input: string;
  readonly output: string;
  readonly method: string;
  /** The online learner's configuration (defaults plus the learner flags; method online). */
  readonly config: SingleChannelConfig | undefined;
  /** The prior's overrides (the learner flags; resolved at the file's rate). */
  readonly prior: PriorOverrides;
  readonly format: 'pcm16' | 'float32' | undefined;
  /** Any of --clean, --reference, --report, --checkpoint (they need the whole file). */
  readonly needsWholeFile: boolean;
  readonly json: boolean;
}

/**
 * `denoise` in constant memory: the prior or the online model on a WAV it can stream, when no flag
 * needs the whole file. Returns the exit code, or `null` when the run must take the whole-file path.
 */
export async function denoiseStreaming(c: StreamChoice, ctx: CommandContext): Promise<number | null> {
  const method = c.method;
  if (c.needsWholeFile || (method !== 'online' && method !== 'prior')) return null;
  if (!canStreamDenoise(c.input, c.config, method)) return null;
  const bar = new ProgressBar('denoise', 1000, ctx.io.stderr);
  let r: Awaited<ReturnType<typeof streamDenoiseFile>>;
  try {
    r = await withInterrupt((signal) =>
      streamDenoiseFile({
        input: c.input,
        output: c.output,
        method,
        ...(c.config ? { config: c.config } : {}),
        prior: c.prior,
        signal,
        ...(c.format ? { format: c.format } : {}),
        onProgress: (f) => bar.update(f * 1000),
      }),
    );
  } catch (e) {
    if (isAbortError(e)) throw new CliInterrupted('interrupted; nothing was written');
    if (e instanceof AdamaxStreamError) throw e;
    throw e;
  } finally {
    bar.done();
  }
  if (r.nonFiniteSamples > 0) {
    ctx.err(
      `denoise: replaced ${r.nonFiniteSamples} non-finite sample${r.nonFiniteSamples === 1 ? '' : 's'} (NaN/Infinity) of ${c.input} by 0.`,
    );
  }
  const seconds = r.frames / r.sampleRate;
  if (c.json) {
    ctx.out(
      JSON.stringify({
        command: 'denoise',
        input: c.input,
        output: c.output,
        reference: null,
        clean: null,
        report: [],
        mode: 'single-channel',
        model: method,
        streamed: true,
        sampleRate: r.sampleRate,
        channels: r.channels,
        frames: r.frames,
        format: r.format,
        nonFiniteSamples: { input: r.nonFiniteSamples, clean: 0, reference: 0 },
        summary: {
          model: method,
          durationSec: seconds,
          processingSec: r.elapsedSec,
          realTimeFactor: r.realTimeFactor,
        },
      }),
    );
    return 0;
  }
  ctx.out(
    `denoised ${c.input} → ${c.output} (single-channel, ${method}; ${seconds.toFixed(2)} s at ${r.sampleRate} Hz` +
      `${r.channels > 1 ? `, ${r.channels} channels downmixed` : ''}; streamed; ` +
      `${r.elapsedSec.toFixed(2)} s, real-time factor ${r.realTimeFactor.toFixed(3)})`,
  );
  ctx.out('no --clean track: quality metrics skipped');
  return 0;
}
