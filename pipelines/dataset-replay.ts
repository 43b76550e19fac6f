/**
 * Pipeline: dataset replay. Denoises every recording of a folder or a manifest, one file after the
 * other in a fixed order (each file streamed pull-paced through the file pipelines), with per-file
 * and aggregate metrics, resumable after a crash or Ctrl-C.
 *
 * Sources:
 * - a **folder**: every `*.wav` is a noisy recording, except `<name>.clean.wav` (its clean track),
 *   `<name>.ref.wav` (its noise reference: the file is then denoised by reference cancellation) and
 *   `<name>.denoised.wav` (outputs of an earlier run). Sorted by file name.
 * - a **manifest**: `.jsonl` (one object per line: `{"noisy": …, "clean"?: …, "reference"?: …, "name"?: …}`)
 *   or `.csv` (a header row with the columns `noisy`, optional `clean`, `reference`, `name`). Paths are
 *   relative to the manifest's folder. Kept in manifest order.
 *
 * Resume: with `statePath`, the state (finished files with their metrics, failures, the aggregate so
 * far) is written atomically after every file; a later run with the same state skips the finished
 * files (their outputs exist already) and retries failed ones. An abort (`signal`, e.g. Ctrl-C) stops
 * the current file's processing; a write already started completes first, so nothing written is lost.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { AdamaxStreamError } from '../src/index.js';
import { readAudioFile, writeAudioFile } from './audio-files.js';
import { downmix, isAbortError, type PipelineResult, round, toRate } from './common.js';
import { cancelWithReference, type ReferenceMethod } from './reference-cancellation.js';
import { denoiseSingleChannel, type SingleChannelMethod } from './single-channel-denoise.js';

/** One recording of a dataset. */
export interface DatasetItem {
  /** Unique name (output file `<name>.denoised.wav`, key of the state file). */
  readonly name: string;
  readonly noisy: string;
  readonly clean?: string;
  readonly reference?: string;
}

/** Result of one file. */
export interface ReplayFileResult {
  readonly name: string;
  readonly noisy: string;
  /** Written output file, or null without `outDir`. */
  readonly output: string | null;
  readonly mode: string;
  readonly model: string;
  readonly sampleRate: number;
  readonly durationSec: number;
  readonly processingSec: number;
  readonly siSdrIn: number | null;
  readonly siSdrOut: number | null;
  readonly siSdrImprovement: number | null;
  readonly snrIn: number | null;
  readonly snrOut: number | null;
  readonly stoiIn: number | null;
  readonly stoiOut: number | null;
}

export interface ReplayFailure {
  readonly name: string;
  readonly noisy: string;
  readonly error: string;
}

/** Aggregate metrics over the finished files (null when no file had a clean track). */
export interface ReplayAggregate {
  readonly files: number;
  readonly finished: number;
  readonly failed: number;
  readonly withClean: number;
  readonly audioSec: number;
  readonly processingSec: number;
  readonly realTimeFactor: number | null;
  readonly siSdrImprovementMedian: number | null;
  readonly siSdrImprovementMean: number | null;
  readonly siSdrOutMean: number | null;
  readonly snrImprovementMean: number | null;
  readonly stoiOutMean: number | null;
  readonly stoiImprovementMean: number | null;
}

/** The state file: finished files (with metrics), failures and the aggregate so far. */
export interface ReplayState {
  readonly format: 'adamax-stream/replay-state';
  readonly version: 1;
  readonly source: string;
  readonly finished: Record<string, ReplayFileResult>;
  readonly failed: Record<string, ReplayFailure>;
  readonly aggregate: ReplayAggregate;
}

export interface ReplayOptions {
  /** A folder or a manifest (`.jsonl` / `.csv`). */
  readonly source: string;
  /** Where `<name>.denoised.wav` files go (created). Default: none written. */
  readonly outDir?: string;
  /** Progress / resume state file (JSON, written atomically after each file). */
  readonly statePath?: string;
  /** Method for files without a reference. Default `'online'`. */
  readonly singleMethod?: SingleChannelMethod;
  /** Method for files with a reference. Default `'fd-adamax'`. */
  readonly referenceMethod?: ReferenceMethod;
  /** Stops after the current file's write (the run resolves with `interrupted: true`). */
  readonly signal?: AbortSignal;
  /** Skip STOI (faster). Default false. */
  readonly skipStoi?: boolean;
  /** Called before each file that is processed (index in the dataset, count). */
  readonly onFileStart?: (item: DatasetItem, index: number, count: number) => void;
  /** Called after each file (processed, skipped as already finished, or failed). */
  readonly onFileDone?: (
    item: DatasetItem,
    outcome: { kind: 'done' | 'skipped'; result: ReplayFileResult } | { kind: 'failed'; failure: ReplayFailure },
  ) => void;
  /** Fraction of the current file done. */
  readonly onProgress?: (fraction: number) => void;
}

export interface ReplayResult {
  readonly items: readonly DatasetItem[];
  /** Results in dataset order (finished earlier or now). */
  readonly results: readonly ReplayFileResult[];
  readonly failures: readonly ReplayFailure[];
  /** Files skipped because the state said they were finished. */
  readonly skipped: number;
  readonly aggregate: ReplayAggregate;
  /** True when the run was aborted before the end. */
  readonly interrupted: boolean;
}

const SIBLING = /\.(clean|ref|denoised)\.wav$/i;

/** Minimal RFC 4180 line splitter (quoted fields with "" escapes, no embedded newlines). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const usage = (message: string) => new AdamaxStreamError('invalid_argument', message);

function uniqueNames(items: { name: string; noisy: string; clean?: string; reference?: string }[]): DatasetItem[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const n = seen.get(it.name) ?? 0;
    seen.set(it.name, n + 1);
    return n === 0 ? it : { ...it, name: `${it.name}-${n + 1}` };
  });
}

/**
 * Lists the recordings of a folder or a manifest (see the module doc for the naming rules).
 * @throws AdamaxStreamError (`usage`) for a missing source, a bad manifest or an empty dataset.
 */
export async function listDataset(source: string): Promise<DatasetItem[]> {
  if (!existsSync(source)) throw new AdamaxStreamError('io', `Dataset not found: ${source}`);
  const ext = extname(source).toLowerCase();
  let entries: { name: string; noisy: string; clean?: string; reference?: string }[];
  if (ext === '.jsonl' || ext === '.csv') {
    const base = dirname(resolve(source));
    const abs = (p: string) => (isAbsolute(p) ? p : join(base, p));
    const text = await readFile(source, 'utf8');
    const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0 && !l.trimStart().startsWith('#'));
    const rows: Record<string, string>[] = [];
    if (ext === '.jsonl') {
      lines.forEach((line, i) => {
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch {
          throw usage(`${source}: line ${i + 1} is not JSON.`);
        }
        if (typeof obj !== 'object' || obj === null) throw usage(`${source}: line ${i + 1} is not an object.`);
        rows.push(obj as Record<string, string>);
      });
    } else {
      const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
      if (!header.includes('noisy')) throw usage(`${source}: the CSV header needs a 'noisy' column.`);
      for (const line of lines.slice(1)) {
        const cells = splitCsvLine(line);
        const row: Record<string, string> = {};
        header.forEach((h, k) => {
          if (cells[k]) row[h] = cells[k]!;
        });
        rows.push(row);
      }
    }
    entries = rows.map((r, i) => {
      if (typeof r.noisy !== 'string' || r.noisy.length === 0) throw usage(`${source}: entry ${i + 1} has no 'noisy'.`);
      const e: { name: string; noisy: string; clean?: string; reference?: string } = {
        name: typeof r.name === 'string' && r.name ? r.name : basename(r.noisy, extname(r.noisy)),
        noisy: abs(r.noisy),
      };
      if (typeof r.clean === 'string' && r.clean) e.clean = abs(r.clean);
      if (typeof r.reference === 'string' && r.reference) e.reference = abs(r.reference);
      return e;
    });
  } else {
    const names = (await readdir(source)).sort();
    const set = new Set(names);
    entries = names
      .filter((f) => /\.wav$/i.test(f) && !SIBLING.test(f))
      .map((f) => {
        const stem = f.slice(0, -4);
        const e: { name: string; noisy: string; clean?: string; reference?: string } = {
          name: stem,
          noisy: join(source, f),
        };
        if (set.has(`${stem}.clean.wav`)) e.clean = join(source, `${stem}.clean.wav`);
        if (set.has(`${stem}.ref.wav`)) e.reference = join(source, `${stem}.ref.wav`);
        return e;
      });
  }
  if (entries.length === 0) throw usage(`No recordings in ${source} (expected *.wav files or manifest entries).`);
  return uniqueNames(entries);
}

const mean = (v: number[]): number | null => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
function median(v: number[]): number | null {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const finite = (v: (number | null)[]): number[] => v.filter((x): x is number => x !== null && Number.isFinite(x));

/** Aggregate metrics of finished results. */
export function aggregate(total: number, results: readonly ReplayFileResult[], failed: number): ReplayAggregate {
  const withClean = results.filter((r) => r.siSdrImprovement !== null);
  const sdri = finite(withClean.map((r) => r.siSdrImprovement));
  const audioSec = results.reduce((a, r) => a + r.durationSec, 0);
  const processingSec = results.reduce((a, r) => a + r.processingSec, 0);
  return {
    files: total,
    finished: results.length,
    failed,
    withClean: withClean.length,
    audioSec: round(audioSec)!,
    processingSec: round(processingSec)!,
    realTimeFactor: audioSec > 0 ? round(processingSec / audioSec, 4) : null,
    siSdrImprovementMedian: round(median(sdri)),
    siSdrImprovementMean: round(mean(sdri)),
    siSdrOutMean: round(mean(finite(withClean.map((r) => r.siSdrOut)))),
    snrImprovementMean: round(
      mean(finite(withClean.map((r) => (r.snrOut !== null && r.snrIn !== null ? r.snrOut - r.snrIn : null)))),
    ),
    stoiOutMean: round(mean(finite(withClean.map((r) => r.stoiOut))), 4),
    stoiImprovementMean: round(
      mean(finite(withClean.map((r) => (r.stoiOut !== null && r.stoiIn !== null ? r.stoiOut - r.stoiIn : null)))),
      4,
    ),
  };
}

/** Reads a replay state file (null when it does not exist). */
export function readReplayState(path: string): ReplayState | null {
  if (!existsSync(path)) return null;
  let state: ReplayState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as ReplayState;
  } catch (cause) {
    throw new AdamaxStreamError('io', `Cannot read replay state ${path}: ${(cause as Error).message}`, { cause });
  }
  if (state?.format !== 'adamax-stream/replay-state' || typeof state.finished !== 'object') {
    throw new AdamaxStreamError('io', `${path} is not a replay state file.`);
  }
  return state;
}

function writeStateAtomic(path: string, state: ReplayState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (cause) {
    throw new AdamaxStreamError('io', `Cannot write replay state ${path}: ${(cause as Error).message}`, { cause });
  }
}

const m = (v: number | null | undefined, d = 3) => round(v ?? null, d);

/** Denoises one dataset item (reference cancellation when it has a reference). */
async function processItem(
  item: DatasetItem,
  options: ReplayOptions,
): Promise<{ result: PipelineResult; duration: number }> {
  const noisy = await readAudioFile(item.noisy);
  const rate = noisy.sampleRate;
  const clean = item.clean ? await readAudioFile(item.clean) : null;
  const cleanMono = clean ? toRate(downmix(clean.channels), clean.sampleRate, rate) : undefined;
  const common = {
    sampleRate: rate,
    ...(cleanMono ? { clean: cleanMono } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.skipStoi ? { skipStoi: true } : {}),
  };
  let result: PipelineResult;
  if (item.reference) {
    const ref = await readAudioFile(item.reference);
    result = await cancelWithReference({
      ...common,
      primary: noisy.channels,
      reference: ref.channels,
      referenceSampleRate: ref.sampleRate,
      method: options.referenceMethod ?? 'fd-adamax',
    });
  } else {
    result = await denoiseSingleChannel({
      ...common,
      input: noisy.channels,
      method: options.singleMethod ?? 'online',
    });
  }
  return { result, duration: (noisy.channels[0]?.length ?? 0) / rate };
}

/** Replays a dataset (see the module doc). Never throws for one bad file: it is reported as a failure. */
export async function replayDataset(options: ReplayOptions): Promise<ReplayResult> {
  const items = await listDataset(options.source);
  const source = resolve(options.source);
  const prior = options.statePath ? readReplayState(options.statePath) : null;
  if (prior && prior.source !== source) {
    throw new AdamaxStreamError(
      'invalid_argument',
      `State file ${options.statePath} belongs to ${prior.source}, not ${source}; pass another --state.`,
    );
  }
  const finished: Record<string, ReplayFileResult> = { ...(prior?.finished ?? {}) };
  const failed: Record<string, ReplayFailure> = {};
  let skipped = 0;
  let interrupted = false;
  const save = () => {
    if (!options.statePath) return;
    const done = items.map((it) => finished[it.name]).filter((r): r is ReplayFileResult => r !== undefined);
    writeStateAtomic(options.statePath, {
      format: 'adamax-stream/replay-state',
      version: 1,
      source,
      finished,
      failed,
      aggregate: aggregate(items.length, done, Object.keys(failed).length),
    });
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const earlier = finished[item.name];
    if (earlier) {
      skipped++;
      options.onFileDone?.(item, { kind: 'skipped', result: earlier });
      continue;
    }
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    options.onFileStart?.(item, i, items.length);
    try {
      const { result, duration } = await processItem(item, options);
      const outPath = options.outDir ? join(options.outDir, `${item.name}.denoised.wav`) : null;
      // Not interruptible: an abort during the write takes effect after it (and the state update).
      if (outPath) await writeAudioFile(outPath, [result.output], result.sampleRate, 'pcm16');
      const mt = result.metrics;
      const r: ReplayFileResult = {
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
      };
      finished[item.name] = r;
      save();
      options.onFileDone?.(item, { kind: 'done', result: r });
    } catch (e) {
      if (isAbortError(e)) {
        interrupted = true;
        break;
      }
      const failure: ReplayFailure = {
        name: item.name,
        noisy: item.noisy,
        error: e instanceof Error ? e.message.split('\n')[0]! : String(e),
      };
      failed[item.name] = failure;
      save();
      options.onFileDone?.(item, { kind: 'failed', failure });
    }
  }
  save();
  const results = items.map((it) => finished[it.name]).filter((r): r is ReplayFileResult => r !== undefined);
  const failures = Object.values(failed);
  return {
    items,
    results,
    failures,
    skipped,
    aggregate: aggregate(items.length, results, failures.length),
    interrupted,
  };
}
