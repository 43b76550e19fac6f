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

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isAbortError } from '../src/core/abort-error.js';
import { AdamaxStreamError } from '../src/index.js';
import { cleanStaleTemps } from '../src/io/clean-stale-temps.js';
import { type FileFingerprint, fileFingerprint, sameFingerprint } from '../src/io/file-fingerprint.js';
import { writeFileAtomic } from '../src/io/write-file-atomic.js';
import { type DatasetItem, listDataset } from '../src/node/io.js';
import { aggregate, type ReplayAggregate } from '../src/replay/aggregate.js';
import { type ReplayFailure, replayFailure } from '../src/replay/replay-failure.js';
import type { ReplayFileResult } from '../src/replay/replay-file-result.js';
import type { ReplayItemHooks, ReplayItemRunner } from '../src/replay/replay-item-runner.js';
import { itemSettings, type ReplayItemSettings } from '../src/replay/replay-item-settings.js';
import type { ReplayResult } from '../src/replay/replay-result.js';
import type { PipelineResult } from '../src/report/pipeline-result.js';
import { round } from '../src/report/round.js';
import { readAudioFile, writeAudioFile } from './audio-files.js';
import { downmix, toRate } from './common.js';
import { cancelWithReference } from './reference-cancellation.js';
import { denoiseSingleChannel } from './single-channel-denoise.js';

/** The state file: finished files (with metrics), failures and the aggregate so far. */
export interface ReplayState {
  readonly format: 'adamax-stream/replay-state';
  readonly version: 2;
  readonly source: string;
  /** The per-file settings (methods, learner configurations, …) the finished files were made with. */
  readonly settings?: ReplayItemSettings;
  readonly finished: Record<string, ReplayFileResult>;
  readonly failed: Record<string, ReplayFailure>;
  readonly aggregate: ReplayAggregate;
}

export interface ReplayOptions extends Omit<ReplayItemSettings, 'checkpointPath' | 'checkpointEvery'> {
  /** A folder or a manifest (`.jsonl` / `.csv`). */
  readonly source: string;
  /** Progress / resume state file (JSON, written atomically after each file by this thread only). */
  readonly statePath?: string;
  /** Stops after the in-flight files' writes (the run resolves with `interrupted: true`). */
  readonly signal?: AbortSignal;
  /**
   * Files processed at once. 1 (default): one after the other in this thread. More: a pool of that
   * many worker threads; outputs are byte-identical to 1.
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

/** Reads and checks a replay state file (null when it does not exist); anything it does not understand is an error. */
export function readReplayState(path: string): ReplayState | null {
  if (!existsSync(path)) return null;
  let state: ReplayState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as ReplayState;
  } catch (cause) {
    throw new AdamaxStreamError('io', `Cannot read replay state ${path}: ${(cause as Error).message}`, { cause });
  }
  checkReplayState(state, path);
  return state;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const numOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));

/** Why a finished entry is bogus, or null when it is well-formed. */
function entryProblem(key: string, r: unknown): string | null {
  if (!isRecord(r)) return 'not an object';
  if (r.name !== key) return `its name ${JSON.stringify(r.name)} is not its key`;
  if (typeof r.noisy !== 'string') return '`noisy` is not a path';
  if (r.output !== null && typeof r.output !== 'string') return '`output` is neither a path nor null';
  if (r.outputSha256 !== null && !(typeof r.outputSha256 === 'string' && /^[0-9a-f]{64}$/.test(r.outputSha256))) {
    return '`outputSha256` is not a SHA-256';
  }
  if ((r.output === null) !== (r.outputSha256 === null)) return '`output` and `outputSha256` disagree';
  const fp = r.input;
  if (
    !isRecord(fp) ||
    !Number.isSafeInteger(fp.size) ||
    typeof fp.mtimeMs !== 'number' ||
    !(typeof fp.sha256 === 'string' && /^[0-9a-f]{64}$/.test(fp.sha256))
  ) {
    return '`input` is not a file fingerprint';
  }
  for (const k of ['durationSec', 'processingSec', 'sampleRate']) {
    if (typeof r[k] !== 'number' || !Number.isFinite(r[k] as number)) return `\`${k}\` is not a number`;
  }
  for (const k of ['siSdrIn', 'siSdrOut', 'siSdrImprovement', 'snrIn', 'snrOut', 'stoiIn', 'stoiOut']) {
    if (!numOrNull(r[k])) return `\`${k}\` is neither a number nor null`;
  }
  return null;
}

function checkReplayState(state: unknown, path: string): asserts state is ReplayState {
  const bad = (why: string) =>
    new AdamaxStreamError(
      'io',
      `${path} is not a replay state this version understands: ${why}. Delete it to start over.`,
    );
  if (!isRecord(state) || state.format !== 'adamax-stream/replay-state') throw bad('wrong format');
  if (state.version !== 2) throw bad(`unknown version ${JSON.stringify(state.version)} (this version reads 2)`);
  if (typeof state.source !== 'string') throw bad('no source');
  if (!isRecord(state.finished) || !isRecord(state.failed)) throw bad('no finished/failed tables');
  for (const [key, r] of Object.entries(state.finished)) {
    const why = entryProblem(key, r);
    if (why) throw bad(`finished entry ${JSON.stringify(key)}: ${why}`);
  }
}

/** Why the finished entry `r` cannot be trusted any more (input changed, output missing or altered), or null. */
function staleReason(r: ReplayFileResult, item: DatasetItem, outPath: string | null): string | null {
  if (r.noisy !== item.noisy) return `the state recorded another input (${r.noisy})`;
  if (r.output !== outPath) return 'the output folder changed';
  let now: FileFingerprint;
  try {
    now = fileFingerprint(item.noisy);
  } catch {
    return 'its input cannot be read';
  }
  if (!sameFingerprint(now, r.input)) return 'its input changed (size, modification time or content)';
  if (outPath !== null) {
    if (!existsSync(outPath)) return `its output ${outPath} is missing`;
    if (fileFingerprint(outPath).sha256 !== r.outputSha256) return `its output ${outPath} was altered`;
  }
  return null;
}

function writeStateAtomic(path: string, state: ReplayState): void {
  try {
    writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
  } catch (cause) {
    throw new AdamaxStreamError('io', `Cannot write replay state ${path}: ${(cause as Error).message}`, { cause });
  }
}

const m = (v: number | null | undefined, d = 3) => round(v ?? null, d);

/** Denoises one dataset item (reference cancellation when it has a reference). */
async function processItem(
  item: DatasetItem,
  settings: ReplayItemSettings,
  hooks: ReplayItemHooks,
): Promise<{ result: PipelineResult; duration: number }> {
  const noisy = await readAudioFile(item.noisy);
  const rate = noisy.sampleRate;
  const clean = item.clean ? await readAudioFile(item.clean) : null;
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
    const ref = await readAudioFile(item.reference);
    result = await cancelWithReference({
      ...common,
      primary: noisy.channels,
      reference: ref.channels,
      referenceSampleRate: ref.sampleRate,
      method: settings.referenceMethod ?? 'fd-adamax',
      ...(settings.referenceConfig ? { config: settings.referenceConfig } : {}),
    });
  } else {
    const method = settings.singleMethod ?? 'online';
    const checkpoint =
      method === 'online' && settings.checkpointPath
        ? {
            checkpoint: {
              path: settings.checkpointPath,
              ...(settings.checkpointEvery ? { every: settings.checkpointEvery } : {}),
            },
          }
        : {};
    const config = settings.singleConfig ? { config: settings.singleConfig } : {};
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
  const mt = result.metrics;
  return {
    name: item.name,
    noisy: item.noisy,
    output: outPath,
    mode: result.mode,
    model: result.model,
    sampleRate: result.sampleRate,
    durationSec: m(duration)!,
    processingSec: m(result.elapsedSec)!,
    siSdrIn: m(mt?.siSdrIn),
    siSdrOut: m(mt?.siSdrOut),
    siSdrImprovement: m(mt?.siSdrImprovement),
    snrIn: m(mt?.snrIn),
    snrOut: m(mt?.snrOut),
    stoiIn: m(mt?.stoiIn, 4),
    stoiOut: m(mt?.stoiOut, 4),
    input,
    outputSha256: outPath ? fileFingerprint(outPath).sha256 : null,
  };
}

/**
 * Replays a dataset (see the module doc). Never throws for one bad file: it is reported as a failure.
 * With `workers` > 1 the files run in a worker-thread pool; this thread alone writes the state file
 * (after each completion), so it always lists exactly the files whose output is complete.
 */
export async function replayDataset(options: ReplayOptions): Promise<ReplayResult> {
  const workers = options.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new AdamaxStreamError('invalid_argument', `workers must be an integer >= 1. Received: ${workers}`);
  }
  const items = await listDataset(options.source);
  const source = resolve(options.source);
  if (options.statePath) cleanStaleTemps(options.statePath);
  const prior = options.statePath ? readReplayState(options.statePath) : null;
  if (prior && prior.source !== source) {
    throw new AdamaxStreamError(
      'invalid_argument',
      `State file ${options.statePath} belongs to ${prior.source}, not ${source}; pass another --state.`,
    );
  }
  const settings = itemSettings(options);
  if (prior?.settings && JSON.stringify(prior.settings) !== JSON.stringify(settings)) {
    throw new AdamaxStreamError(
      'invalid_argument',
      `State file ${options.statePath} was written with other settings (${JSON.stringify(prior.settings)}); resume with the same options or pass another --state.`,
    );
  }
  const finished: Record<string, ReplayFileResult> = { ...(prior?.finished ?? {}) };
  const failed: Record<string, ReplayFailure> = {};
  const save = () => {
    if (!options.statePath) return;
    const done = items.map((it) => finished[it.name]).filter((r): r is ReplayFileResult => r !== undefined);
    writeStateAtomic(options.statePath, {
      format: 'adamax-stream/replay-state',
      version: 2,
      source,
      settings,
      finished,
      failed,
      aggregate: aggregate(items.length, done, Object.keys(failed).length),
    });
  };
  for (const item of items) {
    const earlier = finished[item.name];
    if (!earlier) continue;
    const why = staleReason(earlier, item, options.outDir ? join(options.outDir, `${item.name}.denoised.wav`) : null);
    if (why === null) continue;
    delete finished[item.name];
    options.onStale?.(item, why);
  }
  const resumed = items.filter((it) => finished[it.name] !== undefined);
  for (const item of resumed) options.onFileDone?.(item, { kind: 'skipped', result: finished[item.name]! });
  const pending = items.map((item, index) => ({ item, index })).filter(({ item }) => finished[item.name] === undefined);
  const lanes = Math.min(workers, pending.length);
  const pool = lanes > 1 ? await (await import('./replay-pool.js')).createReplayPool(lanes) : null;
  let interrupted = false;
  try {
    interrupted = await runLanes(pending, items.length, lanes, options, pool?.run ?? replayItem, {
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
    });
  } finally {
    await pool?.close();
  }
  save();
  const results = items.map((it) => finished[it.name]).filter((r): r is ReplayFileResult => r !== undefined);
  const failures = items.map((it) => failed[it.name]).filter((f): f is ReplayFailure => f !== undefined);
  return {
    items,
    results,
    failures,
    skipped: resumed.length,
    resumed: resumed.map((it) => it.name),
    aggregate: aggregate(items.length, results, failures.length),
    interrupted,
  };
}

/**
 * Runs `pending` on `lanes` concurrent lanes, each taking the next file in dataset order when it is
 * free. Resolves true when the signal stopped the run before the end.
 */
async function runLanes(
  pending: readonly { item: DatasetItem; index: number }[],
  total: number,
  lanes: number,
  options: ReplayOptions,
  run: ReplayItemRunner,
  on: { done: (item: DatasetItem, r: ReplayFileResult) => void; failed: (item: DatasetItem, f: ReplayFailure) => void },
): Promise<boolean> {
  const settings = itemSettings(options);
  const signal = options.signal;
  let next = 0;
  let interrupted = false;
  const lane = async () => {
    while (next < pending.length) {
      if (signal?.aborted || interrupted) {
        interrupted = true;
        return;
      }
      const { item, index } = pending[next++]!;
      options.onFileStart?.(item, index, total);
      const onProgress = options.onProgress;
      try {
        const r = await run(item, settings, {
          ...(signal ? { signal } : {}),
          ...(onProgress ? { onProgress: (f: number) => onProgress(f, item) } : {}),
        });
        on.done(item, r);
      } catch (e) {
        if (isAbortError(e)) {
          interrupted = true;
          return;
        }
        on.failed(item, replayFailure(item, e));
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return interrupted || (signal?.aborted === true && next < pending.length);
}
