import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AdamaxStreamError } from '../core/errors.js';
import { cleanStaleTemps } from '../io/clean-stale-temps.js';
import { type FileFingerprint, fileFingerprint, sameFingerprint } from '../io/file-fingerprint.js';
import type { DatasetItem } from '../io/list-dataset.js';
import type { ReplayFileResult } from './replay-file-result.js';
import type { ReplayItemSettings } from './replay-item-settings.js';
import { readReplayState } from './replay-state.js';

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

/** Where a run's state file is and what the run is. */
export interface ReplayResumeOptions {
  /** The state file; none: nothing to resume. */
  readonly statePath?: string | undefined;
  /** The dataset (resolved path) the state must belong to. */
  readonly source: string;
  /** The per-file settings the finished files must have been made with. */
  readonly settings: ReplayItemSettings;
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
  if (prior?.settings && JSON.stringify(prior.settings) !== JSON.stringify(settings)) {
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
