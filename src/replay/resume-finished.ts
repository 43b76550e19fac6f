import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AdamaxStreamError, CheckpointModelMismatchError } from '../core/errors.js';
import { cleanStaleTemps } from '../io/clean-stale-temps.js';
import { type FileFingerprint, fileFingerprint, sameFingerprint } from '../io/file-fingerprint.js';
import type { DatasetItem } from '../io/list-dataset.js';
import type { ReplayFileResult } from './replay-file-result.js';
import type { ReplayItemSettings } from './replay-item-settings.js';
import { type ReplayState, readReplayState } from './replay-state.js';

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

/**
 * Settings as compared on resume: states written before the single-channel method was always
 * recorded used the default of then, `'online'`; a dataset without single-channel files does not
 * depend on it.
 */
function comparable(s: ReplayItemSettings, single: boolean): ReplayItemSettings {
  const { singleMethod, ...rest } = s;
  return single ? { ...rest, singleMethod: singleMethod ?? 'online' } : rest;
}

/**
 * Refuses a state whose single-channel files were made by another model (kind, or version when
 * both are known) than `expected`: resuming would mix two models' outputs in one dataset.
 */
function checkSingleModel(prior: ReplayState, statePath: string, expected: string): void {
  const found = prior.singleModel ?? prior.settings?.singleMethod ?? 'online';
  const kind = (id: string) => id.split('/')[0]!;
  if (kind(found) === kind(expected) && (!found.includes('/') || found === expected)) return;
  throw new CheckpointModelMismatchError(
    found,
    expected,
    `State file ${statePath} lists files denoised by the single-channel model ${found}; this run uses ${expected}, and resuming would mix the two models' outputs in one dataset. Resume with --model ${kind(found)} (if that model is still available), or pass another --state (or delete it) to start over.`,
  );
}

/** Where a run's state file is and what the run is. */
export interface ReplayResumeOptions {
  /** The state file; none: nothing to resume. */
  readonly statePath?: string | undefined;
  /** The dataset (resolved path) the state must belong to. */
  readonly source: string;
  /** The per-file settings the finished files must have been made with. */
  readonly settings: ReplayItemSettings;
  /** `<kind>/<version>` of this run's single-channel model (checked when the dataset has single-channel files). */
  readonly singleModel?: string | undefined;
  /** The dataset's items. */
  readonly items: readonly DatasetItem[];
  /** Where the outputs are (`<outDir>/<name>.denoised.wav`). */
  readonly outDir?: string | undefined;
  /** A file the state lists as finished must be redone (the reason says why). */
  readonly onStale?: ((item: DatasetItem, reason: string) => void) | undefined;
}

/**
 * The finished files of an earlier run that can be trusted: removes the temp files dead processes
 * left next to the state file, reads it, refuses one of another dataset or other settings, and
 * drops each finished entry whose input changed or whose output is missing or altered.
 */
export function resumeFinished(options: ReplayResumeOptions): Record<string, ReplayFileResult> {
  const { statePath, source, settings } = options;
  if (statePath) cleanStaleTemps(statePath);
  const prior = statePath ? readReplayState(statePath) : null;
  if (prior && prior.source !== source) {
    throw new AdamaxStreamError(
      'invalid_argument',
      `State file ${statePath} belongs to ${prior.source}, not ${source}; pass another --state.`,
    );
  }
  const single = options.items.some((it) => !it.reference);
  if (prior && single && options.singleModel !== undefined) checkSingleModel(prior, statePath!, options.singleModel);
  if (
    prior?.settings &&
    JSON.stringify(comparable(prior.settings, single)) !== JSON.stringify(comparable(settings, single))
  ) {
    throw new AdamaxStreamError(
      'invalid_argument',
      `State file ${statePath} was written with other settings (${JSON.stringify(prior.settings)}); resume with the same options or pass another --state.`,
    );
  }
  const finished: Record<string, ReplayFileResult> = { ...(prior?.finished ?? {}) };
  for (const item of options.items) {
    const earlier = finished[item.name];
    if (!earlier) continue;
    const why = staleReason(earlier, item, options.outDir ? join(options.outDir, `${item.name}.denoised.wav`) : null);
    if (why === null) continue;
    delete finished[item.name];
    options.onStale?.(item, why);
  }
  return finished;
}
