/**
 * The checkpoint files of a single-channel denoise run (`denoiseSingleChannel` with `checkpoint`):
 * every `every` frames the output produced so far is appended (and fsynced) to `<path>.partial`
 * (raw float32 at the model rate), then the learner state is written atomically to `path` (temp
 * file, fsync, rename, directory fsync). The checkpoint itself carries, in its `annotations`, the
 * SHA-256 of the partial output it covers and of the input, so a flipped byte in the partial output
 * or a checkpoint of another input is refused, and the model kind and version (`model`,
 * `modelVersion`; absent in checkpoints written before they were recorded: the online model's), so
 * a checkpoint of another model is refused with a `CheckpointModelMismatchError`. `<path>.lock` (O_EXCL, pid + host) keeps a second run
 * off the same checkpoint; a lock of a dead process is taken over, and temp files dead processes
 * left next to `path` are removed.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, rmSync, statSync, truncateSync } from 'node:fs';
import { AdamaxStreamError, CheckpointError, CheckpointModelMismatchError } from '../core/errors.js';
import type { Checkpoint } from '../rx/events.js';
import { readCheckpoint } from '../rx/read-checkpoint.js';
import { writeCheckpoint } from '../rx/write-checkpoint.js';
import { appendSamples } from './append-samples.js';
import { cleanStaleTemps } from './clean-stale-temps.js';
import { acquireFileLock } from './file-lock.js';
import { removeCheckpointFiles } from './remove-checkpoint-files.js';

export interface CheckpointOptions {
  /** Checkpoint file (also `<path>.partial` and `<path>.lock`). */
  readonly path: string;
  /** Frames between two checkpoints. Default: ≈ 5 s of audio. */
  readonly every?: number;
  /**
   * Remove the checkpoint files when the run completes. Default `true`. A caller that writes the
   * output to a file passes `false` and calls `removeCheckpointFiles` once that file is durable,
   * so that a crash in between loses nothing.
   */
  readonly removeWhenDone?: boolean;
  /** Take `<path>.lock` for the run (default `true`); `false` when the caller holds it. */
  readonly lock?: boolean;
}

/** The run a checkpoint belongs to. */
export interface DenoiseRun {
  /** The input samples at the model rate. */
  readonly input: Float32Array;
  /** The input file's rate. */
  readonly sampleRate: number;
  readonly modelRate: number;
  readonly hop: number;
  /** The learner's exact configuration (JSON): a checkpoint does not resume under another one. */
  readonly config: string;
  /** The model kind, e.g. `'online'` or `'prior'` (default `'online'`). */
  readonly model?: string;
  /** The model's version (the prior's: its format and weights' digest). Default `'1'`. */
  readonly modelVersion?: string;
}

/** What a denoise checkpoint's `annotations` tie it to. */
interface CheckpointFacts {
  readonly format: 'adamax-stream/denoise-checkpoint';
  readonly inputLength: number;
  readonly sampleRate: number;
  readonly modelRate: number;
  readonly hop: number;
  readonly config: string;
  /** SHA-256 of the input samples at the model rate. */
  readonly inputSha256: string;
  readonly model: string;
  readonly modelVersion: string;
}

const FACT_KEYS = ['format', 'inputLength', 'sampleRate', 'modelRate', 'hop', 'config', 'inputSha256'] as const;

const sha256 = (x: Float32Array): string =>
  createHash('sha256')
    .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    .digest('hex');

interface Resume {
  readonly checkpoint: Checkpoint;
  readonly step: number;
  readonly partial: Hash;
}

/** Fills `bytes` from the start of the file `path` (less at its end). */
function readInto(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n <= 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads a resumable checkpoint for this input, or null when there is none. The checkpoint must
 * describe this input and model (its annotations), and the partial output must hash to the value
 * the checkpoint recorded. Output appended after the checkpoint (a crash between the two writes)
 * is dropped and redone.
 */
function loadResume(path: string, facts: CheckpointFacts, y: Float32Array): Resume | null {
  if (!existsSync(path)) return null;
  const partialPath = `${path}.partial`;
  const checkpoint = readCheckpoint(path);
  const notes = checkpoint.annotations ?? {};
  const startOver = 'delete it (or pass another --checkpoint) to start over';
  // checkpoints written before the model was recorded are the online model's
  const found = `${notes.model ?? 'online'}/${notes.modelVersion ?? '1'}`;
  const expected = `${facts.model}/${facts.modelVersion}`;
  if (found !== expected) {
    throw new CheckpointModelMismatchError(
      found,
      expected,
      `Checkpoint ${path} was written by the model ${found}; this run uses ${expected}, which cannot load its state; ${startOver}.`,
    );
  }
  if (FACT_KEYS.some((k) => notes[k] !== facts[k])) {
    throw new CheckpointError(`Checkpoint ${path} belongs to another input or model; ${startOver}.`);
  }
  const needed = checkpoint.step * facts.hop;
  const have = existsSync(partialPath) ? statSync(partialPath).size / 4 : 0;
  if (notes.partialFrames !== checkpoint.step || have < needed || needed > y.length) {
    throw new CheckpointError(
      `Checkpoint ${path} is at frame ${checkpoint.step} but ${partialPath} holds ${Math.floor(have / facts.hop)} frames of output; ${startOver}.`,
    );
  }
  readInto(partialPath, new Uint8Array(y.buffer, y.byteOffset, needed * 4));
  const partial = createHash('sha256').update(new Uint8Array(y.buffer, y.byteOffset, needed * 4));
  if (partial.copy().digest('hex') !== notes.partialSha256) {
    y.fill(0, 0, needed);
    throw new CheckpointError(
      `The partial output ${partialPath} does not match the checksum in checkpoint ${path} (it was modified or corrupted); ${startOver}.`,
    );
  }
  truncateSync(partialPath, needed * 4);
  return { checkpoint, step: checkpoint.step, partial };
}

/** The checkpoint files of one run (see the module doc), from {@link DenoiseCheckpoint.open}. */
export class DenoiseCheckpoint {
  /** The learner state to resume from, or null (a new run). */
  readonly resume: Checkpoint | null;
  private readonly partial: Hash;
  private appendedFrames: number;

  private constructor(
    private readonly options: CheckpointOptions,
    /** Frames between two checkpoints. */
    readonly every: number,
    private readonly facts: CheckpointFacts,
    private readonly y: Float32Array,
    private readonly lock: { release(): void } | null,
    resume: Resume | null,
  ) {
    this.resume = resume?.checkpoint ?? null;
    this.partial = resume?.partial ?? createHash('sha256');
    this.appendedFrames = resume?.step ?? 0;
  }

  /**
   * Takes the lock, removes dead processes' temp files and loads the checkpoint of this run when
   * there is one: its partial output is read into `y` (the run's output at the model rate).
   * @throws CheckpointError for a checkpoint of another run or a partial output that does not match it.
   */
  static open(options: CheckpointOptions, run: DenoiseRun, y: Float32Array): DenoiseCheckpoint {
    const every = options.every ?? Math.max(1, Math.round((5 * run.modelRate) / run.hop));
    if (!(Number.isInteger(every) && every >= 1)) {
      throw new AdamaxStreamError('invalid_argument', `checkpoint.every must be an integer >= 1. Received: ${every}`);
    }
    const facts: CheckpointFacts = {
      format: 'adamax-stream/denoise-checkpoint',
      inputLength: run.input.length,
      sampleRate: run.sampleRate,
      modelRate: run.modelRate,
      hop: run.hop,
      config: run.config,
      inputSha256: sha256(run.input),
      model: run.model ?? 'online',
      modelVersion: run.modelVersion ?? '1',
    };
    const path = options.path;
    const lock = options.lock !== false ? acquireFileLock(path) : null;
    try {
      for (const p of [path, `${path}.partial`]) cleanStaleTemps(p);
      const resume = loadResume(path, facts, y);
      if (!resume) rmSync(`${path}.partial`, { force: true });
      return new DenoiseCheckpoint(options, every, facts, y, lock, resume);
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /** Frames already done (0 for a new run). */
  get step(): number {
    return this.resume?.step ?? 0;
  }

  /** Appends the output up to `step` (hashing it), then writes the checkpoint `cp` that covers it. */
  save(cp: Checkpoint, step: number): void {
    const hop = this.facts.hop;
    if (step > this.appendedFrames) {
      const chunk = this.y.subarray(this.appendedFrames * hop, step * hop);
      appendSamples(`${this.options.path}.partial`, chunk);
      this.partial.update(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.appendedFrames = step;
    }
    writeCheckpoint(this.options.path, {
      ...cp,
      annotations: {
        ...this.facts,
        partialFrames: this.appendedFrames,
        partialSha256: this.partial.copy().digest('hex'),
      },
    });
  }

  /** The run completed: removes the files (unless `removeWhenDone: false`). */
  complete(): void {
    if (this.options.removeWhenDone !== false) removeCheckpointFiles(this.options.path);
  }

  /** Releases the lock (when this run took it). */
  release(): void {
    this.lock?.release();
  }
}
