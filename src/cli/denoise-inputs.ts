import { extname } from 'node:path';
import { AdamaxStreamError } from '../core/errors.js';
import { type AudioFile, assertReadableFile, downmix, readAudioFile } from '../node/index.js';
import { CliUsageError, type CommandContext } from './io.js';

/** Largest duration difference between the input and its `--clean` / `--reference` track. */
export const MAX_DURATION_MISMATCH_SEC = 0.01;

/** The audio files of one `denoise` run, checked and cleaned of non-finite samples. */
export interface DenoiseInputs {
  readonly noisy: AudioFile;
  readonly clean: AudioFile | null;
  readonly reference: AudioFile | null;
  /** Non-finite samples (NaN/±Infinity) replaced by 0, per file role. */
  readonly nonFiniteSamples: { readonly input: number; readonly clean: number; readonly reference: number };
}

/** `.wav` is the only output format (the only encoder): anything else is a usage error (exit 2). */
export function checkOutputExtension(output: string): void {
  if (extname(output).toLowerCase() !== '.wav') {
    throw new CliUsageError(`denoise: --output must be a .wav file (the only format written). Received: ${output}`);
  }
}

/** Replaces every non-finite sample by 0, in place; returns how many there were. */
function replaceNonFinite(file: AudioFile): number {
  let count = 0;
  for (const ch of file.channels) {
    for (let i = 0; i < ch.length; i++) {
      const x = ch[i]!;
      if (x - x !== 0) {
        ch[i] = 0;
        count++;
      }
    }
  }
  return count;
}

const seconds = (f: AudioFile): number => (f.channels[0]?.length ?? 0) / f.sampleRate;

/**
 * A companion track (`--clean`, `--reference`) must last as long as the input (±10 ms; exit 2
 * naming both durations otherwise). Another sample rate is accepted and said on stderr: the
 * pipelines resample it to the input's.
 */
function checkCompanion(flag: string, file: AudioFile, noisy: AudioFile, ctx: CommandContext): void {
  const a = seconds(noisy);
  const b = seconds(file);
  if (Math.abs(a - b) > MAX_DURATION_MISMATCH_SEC) {
    throw new CliUsageError(
      `denoise: --${flag} ${file.path} lasts ${b.toFixed(3)} s but the input ${noisy.path} lasts ${a.toFixed(3)} s; they must match within ${MAX_DURATION_MISMATCH_SEC * 1000} ms.`,
    );
  }
  if (file.sampleRate !== noisy.sampleRate) {
    ctx.err(
      `denoise: --${flag} ${file.path} is at ${file.sampleRate} Hz; resampled to the input's ${noisy.sampleRate} Hz.`,
    );
  }
}

/**
 * Reads the input and its companions, with strict checks: an input with 0 samples or with no
 * finite sample is a runtime error (exit 1); non-finite samples elsewhere are replaced by 0 and
 * counted on stderr; companions must match the input's duration.
 */
export async function readDenoiseInputs(
  input: string,
  cleanPath: string | undefined,
  referencePath: string | undefined,
  ctx: CommandContext,
): Promise<DenoiseInputs> {
  for (const f of [input, referencePath, cleanPath]) if (f !== undefined) await assertReadableFile(f);
  const noisy = await readAudioFile(input);
  const frames = noisy.channels[0]?.length ?? 0;
  if (frames === 0) {
    throw new AdamaxStreamError('invalid_argument', `The input ${input} has 0 samples: there is nothing to denoise.`);
  }
  const counts = { input: replaceNonFinite(noisy), clean: 0, reference: 0 };
  if (counts.input === frames * noisy.channels.length) {
    throw new AdamaxStreamError(
      'invalid_argument',
      `Every sample of the input ${input} is NaN or Infinity: there is no audio to denoise.`,
    );
  }
  const clean = cleanPath !== undefined ? await readAudioFile(cleanPath) : null;
  const reference = referencePath !== undefined ? await readAudioFile(referencePath) : null;
  if (clean) {
    checkCompanion('clean', clean, noisy, ctx);
    counts.clean = replaceNonFinite(clean);
  }
  if (reference) {
    checkCompanion('reference', reference, noisy, ctx);
    counts.reference = replaceNonFinite(reference);
  }
  for (const [role, file] of [
    ['input', noisy],
    ['clean', clean],
    ['reference', reference],
  ] as const) {
    const n = counts[role];
    if (file && n > 0) {
      ctx.err(`denoise: replaced ${n} non-finite sample${n === 1 ? '' : 's'} (NaN/Infinity) of ${file.path} by 0.`);
    }
  }
  return { noisy, clean, reference, nonFiniteSamples: counts };
}

/** Mono clean track at the input's rate (for the metrics). */
export const cleanMono = (clean: AudioFile): Float32Array => downmix(clean.channels);
