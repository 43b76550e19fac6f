import { existsSync, readFileSync } from 'node:fs';
import { AdamaxStreamError } from '../core/errors.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { ReplayAggregate } from './aggregate.js';
import type { ReplayFailure } from './replay-failure.js';
import type { ReplayFileResult } from './replay-file-result.js';
import type { ReplayItemSettings } from './replay-item-settings.js';

/** The state file: finished files (with metrics), failures and the aggregate so far. */
export interface ReplayState {
  readonly format: 'adamax-stream/replay-state';
  readonly version: 2;
  readonly source: string;
  /** The per-file settings (methods, learner configurations, …) the finished files were made with. */
  readonly settings?: ReplayItemSettings;
  /**
   * `<kind>/<version>` of the single-channel model the run uses (e.g. `prior/1+<weights digest>`,
   * `online/1`); absent in states written before it was recorded (their model: `settings.singleMethod`,
   * or `online` — the default then — when that is absent too).
   */
  readonly singleModel?: string;
  readonly finished: Record<string, ReplayFileResult>;
  readonly failed: Record<string, ReplayFailure>;
  readonly aggregate: ReplayAggregate;
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
  if (state.singleModel !== undefined && typeof state.singleModel !== 'string')
    throw bad('`singleModel` is not a string');
  if (!isRecord(state.finished) || !isRecord(state.failed)) throw bad('no finished/failed tables');
  for (const [key, r] of Object.entries(state.finished)) {
    const why = entryProblem(key, r);
    if (why) throw bad(`finished entry ${JSON.stringify(key)}: ${why}`);
  }
}

/** Writes the state file atomically (temp file, fsync, rename, directory fsync). */
export function writeReplayState(path: string, state: ReplayState): void {
  try {
    writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
  } catch (cause) {
    throw new AdamaxStreamError('io', `Cannot write replay state ${path}: ${(cause as Error).message}`, { cause });
  }
}
