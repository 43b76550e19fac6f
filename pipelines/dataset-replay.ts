/**
 * Pipeline: dataset replay. Denoises every recording of a folder or a manifest, one file after the
 * other in a fixed order (each file streamed pull-paced through the file pipelines), with per-file
 * and aggregate metrics, resumable after a crash or Ctrl-C.
 *
 * Sources: a folder of `*.wav` files (with `<name>.clean.wav` / `<name>.ref.wav` siblings) or a
 * `.jsonl` / `.csv` manifest, as `listDataset` reads them.
 *
 * Resume: with `statePath`, the state (finished files with their metrics, failures, the aggregate so
 * far) is written atomically after every file (temp file, fsync, rename, directory fsync); a later run
 * with the same state skips a finished file only when its input's fingerprint (size, modification
 * time, SHA-256) is unchanged and its output still exists with the recorded SHA-256 — otherwise the
 * file is processed again — and retries failed ones. A state file of an unknown version or with a
 * malformed entry is refused. An abort (`signal`, e.g. Ctrl-C) stops
 * the current file's processing; a write already started completes first, so nothing written is lost.
 */

import { join, resolve } from 'node:path';
import { readAudioFile } from '../src/audio/read-audio-file.js';
import { writeAudioFile } from '../src/audio/write-audio-file.js';
import { AdamaxStreamError } from '../src/index.js';
import { cleanStaleTemps } from '../src/io/clean-stale-temps.js';
import { type FileFingerprint, fileFingerprint } from '../src/io/file-fingerprint.js';
import type { PriorOverrides } from '../src/models/prior-config.js';
import type { SingleChannelOverrides } from '../src/models/single-channel-config.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD } from '../src/models/single-channel-method.js';
import { type DatasetItem, listDataset } from '../src/node/io.js';
import { aggregate } from '../src/replay/aggregate.js';
import type { ReplayFailure } from '../src/replay/replay-failure.js';
import { type ReplayFileResult, replayFileResult } from '../src/replay/replay-file-result.js';
import type { ReplayItemHooks } from '../src/replay/replay-item-runner.js';
import { itemSettings, type ReplayItemSettings } from '../src/replay/replay-item-settings.js';
import type { ReplayResult } from '../src/replay/replay-result.js';
import { writeReplayState } from '../src/replay/replay-state.js';
import { resumeFinished } from '../src/replay/resume-finished.js';
import { runLanes } from '../src/replay/run-lanes.js';
import { type InputBuffers, withInputBuffers } from '../src/replay/with-input-buffers.js';
import type { PipelineResult } from '../src/report/pipeline-result.js';
import { downmix, toRate } from './common.js';
import { cancelWithReference } from './reference-cancellation.js';
import { denoiseSingleChannel } from './single-channel-denoise.js';
import { singleChannelModelId } from './single-channel-model-id.js';

export interface ReplayOptions extends Omit<ReplayItemSettings, 'checkpointPath' | 'checkpointEvery'> {
  /** A folder or a manifest (`.jsonl` / `.csv`). */
  readonly source: string;
  /** Progress / resume state file (JSON, written atomically after each file by this thread only). */
  readonly statePath?: string;
  /** Stops after the in-flight files' writes (the run resolves with `interrupted: true`). */
  readonly signal?: AbortSignal;
  /**
   * Files processed at once. 1 (default): one after the other in this thread. N > 1: this thread
   * and a pool of N − 1 worker threads; outputs are byte-identical to 1.
   */
  readonly workers?: number;
  /** Called before each file that is processed (index in the dataset, count). */
  readonly onFileStart?: (item: DatasetItem, index: number, count: number) => void;
  /** Called after each file (processed, skipped as already finished, or failed), in completion order. */
  readonly onFileDone?: (
    item: DatasetItem,
    outcome: { kind: 'done' | 'skipped'; result: ReplayFileResult } | { kind: 'failed'; failure: ReplayFailure },
  ) => void;
  /** Fraction of an in-flight file done. */
  readonly onProgress?: (fraction: number, item: DatasetItem) => void;
  /** Called when the state says a file is finished but it must be redone (the reason says why). */
  readonly onStale?: (item: DatasetItem, reason: string) => void;
}

/** Denoises one dataset item (reference cancellation when it has a reference). */
function processItem(
  item: DatasetItem,
  settings: ReplayItemSettings,
  hooks: ReplayItemHooks,
): Promise<{ result: PipelineResult; duration: number }> {
  return withInputBuffers((inputs) => processWith(item, settings, hooks, inputs));
}

/** {@link processItem} with the input buffers it reads into. */
async function processWith(
  item: DatasetItem,
  settings: ReplayItemSettings,
  hooks: ReplayItemHooks,
  inputs: InputBuffers,
): Promise<{ result: PipelineResult; duration: number }> {
  const noisy = await readAudioFile(item.noisy, inputs.noisy);
  const rate = noisy.sampleRate;
  const clean = item.clean ? await readAudioFile(item.clean, inputs.clean) : null;
  const cleanMono = clean ? toRate(downmix(clean.channels), clean.sampleRate, rate) : undefined;
  const common = {
    sampleRate: rate,
    ...(cleanMono ? { clean: cleanMono } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(settings.skipStoi ? { skipStoi: true } : {}),
  };
  let result: PipelineResult;
  if (item.reference) {
    const ref = await readAudioFile(item.reference, inputs.ref);
    result = await cancelWithReference({
      ...common,
      primary: noisy.channels,
      reference: ref.channels,
      referenceSampleRate: ref.sampleRate,
      method: settings.referenceMethod ?? 'fd-adamax',
      ...(settings.referenceConfig ? { config: settings.referenceConfig } : {}),
    });
  } else {
    const method = settings.singleMethod ?? DEFAULT_SINGLE_CHANNEL_METHOD;
    const checkpoint =
      (method === 'online' || method === 'prior') && settings.checkpointPath
        ? {
            checkpoint: {
              path: settings.checkpointPath,
              ...(settings.checkpointEvery ? { every: settings.checkpointEvery } : {}),
            },
          }
        : {};
    // the learner configuration belongs to the Adamax method in use (online, or the prior's adaptation)
    const overrides = settings.singleConfig;
    const config = !overrides
      ? {}
      : method === 'prior'
        ? { prior: overrides as PriorOverrides }
        : { config: overrides as SingleChannelOverrides };
    result = await denoiseSingleChannel({ ...common, ...checkpoint, ...config, input: noisy.channels, method });
  }
  return { result, duration: (noisy.channels[0]?.length ?? 0) / rate };
}

/**
 * Denoises one dataset item and writes `<outDir>/<name>.denoised.wav` atomically (the unit of work
 * of a local run, of a worker thread and of a queue worker).
 * @throws the item's error (a decode failure, an `AbortError` when `hooks.signal` fired).
 */
export async function replayItem(
  item: DatasetItem,
  settings: ReplayItemSettings,
  hooks: ReplayItemHooks = {},
): Promise<ReplayFileResult> {
  // Fingerprinted before processing (what was read); an unreadable input fails in processItem with
  // its typed decode error instead.
  let fingerprint: FileFingerprint | null = null;
  try {
    fingerprint = fileFingerprint(item.noisy);
  } catch {
    // reported by processItem
  }
  const { result, duration } = await processItem(item, settings, hooks);
  const input = fingerprint ?? fileFingerprint(item.noisy);
  const resumed = result.summary.resumedFromFrame;
  if (typeof resumed === 'number' && resumed > 0) hooks.onResumed?.(resumed);
  const outPath = settings.outDir ? join(settings.outDir, `${item.name}.denoised.wav`) : null;
  // Not interruptible: an abort during the write takes effect after it.
  if (outPath) {
    cleanStaleTemps(outPath);
    await writeAudioFile(outPath, [result.output], result.sampleRate, 'pcm16');
  }
  return replayFileResult(item, result, duration, outPath, input);
}

/**
 * Replays a dataset (see the module doc). Never throws for one bad file: it is reported as a failure.
 * With `workers` > 1 the files run in this thread and a worker-thread pool; this thread alone writes the state file
 * (after each completion), so it always lists exactly the files whose output is complete.
 */
export async function replayDataset(options: ReplayOptions): Promise<ReplayResult> {
  const workers = options.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new AdamaxStreamError('invalid_argument', `workers must be an integer >= 1. Received: ${workers}`);
  }
  const items = await listDataset(options.source);
  const source = resolve(options.source);
  const settings = itemSettings(options);
  const singleModel = singleChannelModelId(settings.singleMethod ?? DEFAULT_SINGLE_CHANNEL_METHOD);
  // With `workers` = N, this thread is one lane and a pool of N − 1 threads the others: this thread
  // starts on the first file at once (its modules are loaded), while the pool's threads spawn and load
  // theirs (one bundled module in the built package: ≈ 0.07 CPU s each) — the pool's start-up is
  // hidden behind real work instead of delaying it.
  const threads = Math.min(workers, items.length) - 1;
  const started = threads >= 1 ? await (await import('./replay-pool.js')).createReplayPool(threads) : null;
  let finished: Record<string, ReplayFileResult>;
  try {
    finished = resumeFinished({ ...options, source, settings, items, singleModel });
  } catch (e) {
    await started?.close();
    throw e;
  }
  const failed: Record<string, ReplayFailure> = {};
  const save = () => {
    if (!options.statePath) return;
    const done = items.map((it) => finished[it.name]).filter((r): r is ReplayFileResult => r !== undefined);
    const summary = aggregate(items.length, done, Object.keys(failed).length);
    const state = {
      format: 'adamax-stream/replay-state',
      version: 2,
      source,
      settings,
      singleModel,
      finished,
      failed,
    } as const;
    writeReplayState(options.statePath, { ...state, aggregate: summary });
  };
  const resumed = items.filter((it) => finished[it.name] !== undefined);
  for (const item of resumed) options.onFileDone?.(item, { kind: 'skipped', result: finished[item.name]! });
  const pending = items.map((item, index) => ({ item, index })).filter(({ item }) => finished[item.name] === undefined);
  const lanes = Math.min(workers, pending.length);
  // Fewer files left than lanes: the extra threads stay idle; one file or none: no pool.
  if (lanes <= 1) await started?.close();
  const pool = lanes > 1 ? started : null;
  const runners = [replayItem, ...Array.from({ length: lanes - 1 }, () => pool!.run)];
  let interrupted = false;
  try {
    interrupted = await runLanes(
      pending,
      items.length,
      runners,
      { ...options, settings },
      {
        done: (item, r) => {
          finished[item.name] = r;
          save();
          options.onFileDone?.(item, { kind: 'done', result: r });
        },
        failed: (item, failure) => {
          failed[item.name] = failure;
          save();
          options.onFileDone?.(item, { kind: 'failed', failure });
        },
      },
    );
  } finally {
    await pool?.close();
  }
  save();
  const results = items.map((it) => finished[it.name]).filter((r): r is ReplayFileResult => r !== undefined);
  const failures = items.map((it) => failed[it.name]).filter((f): f is ReplayFailure => f !== undefined);
  const aggregateAll = aggregate(items.length, results, failures.length);
  const names = resumed.map((it) => it.name);
  return { items, results, failures, skipped: resumed.length, resumed: names, aggregate: aggregateAll, interrupted };
}
