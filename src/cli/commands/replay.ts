import { availableParallelism } from 'node:os';
import type { DatasetItem } from '../../io/list-dataset.js';
import {
  DEFAULT_SINGLE_CHANNEL_METHOD,
  REFERENCE_METHODS,
  type ReplayFailure,
  type ReplayFileResult,
  replayDataset,
  replayDistributed,
  SINGLE_CHANNEL_METHODS,
} from '../../node/index.js';
import {
  CliInterrupted,
  CliUsageError,
  type Command,
  type CommandContext,
  choiceFlag,
  fmtDelta,
  numberFlag,
  type ParsedFlags,
  parseCommandArgs,
  table,
  withInterrupt,
} from '../io.js';
import { LEARNER_FLAGS, LEARNER_HELP, parseLearnerFlags } from '../learner-flags.js';
import { checkRedisUrl } from '../redis-service.js';
import { replayLearner, replayPrintConfig } from '../replay-learner.js';
import { ReplayProgress } from '../replay-progress.js';

const HELP = `Usage: adamax-stream replay <folder|manifest> [options]

Denoises every recording of a dataset on all local cores (one file per worker thread), with
per-file and aggregate metrics (SI-SDR improvement median/mean, SNR, STOI) when clean tracks are
given. Outputs are byte-identical whatever the number of workers.

A folder: every *.wav is a noisy recording; <name>.clean.wav is its clean track and <name>.ref.wav
its noise reference (then reference cancellation is used); <name>.denoised.wav files are skipped.
A manifest: .jsonl lines {"noisy": "a.wav", "clean": "a-clean.wav", "reference": "a-ref.wav"} or a
.csv with a header row noisy,clean,reference (clean and reference optional; paths relative to the
manifest).

Options:
      --out <dir>           write <name>.denoised.wav files here
      --state <file>        progress state (JSON, written atomically after each file); a re-run with
                            the same state skips finished files. Ctrl-C stops the in-flight files
                            (a started write completes; no partial output), saves the state, exits 130
      --workers <n>         files processed at once: the main thread and n − 1 worker threads (default:
                            the number of cores; 1 = one after the other in the main thread)
      --redis <url>         distribute instead: one job per file on the BullMQ queue at redis://HOST:PORT,
                            run by \`adamax-stream worker\` processes on any machines that see the same
                            paths (shared storage); --out is required. Waits and prints the same
                            metrics. Re-submitting is idempotent (job id = input fingerprint); Ctrl-C
                            stops waiting, the jobs stay queued
      --queue <name>        queue name with --redis (default adamax-stream-replay)
      --model <name>        single-channel files: prior | online | wiener | rnnoise (default
                            ${DEFAULT_SINGLE_CHANNEL_METHOD}, as denoise). A --state of a run with another model is
                            refused (exit 1, naming both models): rerun with its --model, or pass another --state
      --reference-model <name>  files with a reference: fd-adamax | nlms (default fd-adamax)
      --no-stoi             skip STOI (faster)
      --json                print a JSON summary on stdout (per-file results and the aggregate)
  -h, --help                show this help

${LEARNER_HELP}
  In a dataset with both tracks, a "model" section (--config, --filter-ms) picks the track the learner options
  apply to; without one the optimizer options apply to both Adamax learners.

Exit codes: 0 all files done, 1 a file failed or the dataset cannot be read, 2 usage error, 130 interrupted.`;

type FileOutcome = { kind: 'done' | 'skipped'; result: ReplayFileResult } | { kind: 'failed'; failure: ReplayFailure };

const num = (v: number | null, d = 2) => (v === null ? '—' : Number.isFinite(v) ? v.toFixed(d) : String(v));

const FLAGS = {
  out: { type: 'string' },
  state: { type: 'string' },
  model: { type: 'string' },
  'reference-model': { type: 'string' },
  'no-stoi': { type: 'boolean' },
  workers: { type: 'string' },
  redis: { type: 'string' },
  queue: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...LEARNER_FLAGS,
} as const;

type ReplayValues = ParsedFlags<typeof FLAGS>;
type ReplayResult = Awaited<ReturnType<typeof replayDataset>>;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'denoise a dataset (folder or manifest) with metrics, resumable',
  help: HELP,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs('replay', args, FLAGS, {
      min: 1,
      max: 1,
      names: 'the <folder|manifest>',
    });
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    const source = positionals[0]!;
    const singleMethod = choiceFlag('replay', 'model', values.model, SINGLE_CHANNEL_METHODS);
    const referenceMethod = choiceFlag('replay', 'reference-model', values['reference-model'], REFERENCE_METHODS);
    const workers = numberFlag('replay', 'workers', values.workers, { integer: true, min: 1, max: 1024 });
    const json = values.json === true;
    const methods = {
      reference: referenceMethod ?? 'fd-adamax',
      single: singleMethod ?? DEFAULT_SINGLE_CHANNEL_METHOD,
    };
    const flags = await parseLearnerFlags('replay', values);
    const learner = replayLearner(flags, methods);
    if (flags.printConfig) {
      ctx.out(await replayPrintConfig(source, learner, methods));
      return 0;
    }
    const progress = new ReplayProgress(ctx.io.stderr, values.redis ? 'replay (queue)' : 'replay');
    const common = {
      source,
      singleMethod: methods.single,
      ...(referenceMethod ? { referenceMethod } : {}),
      ...(values['no-stoi'] ? { skipStoi: true } : {}),
      ...learner,
      onProgress: (f: number, item: DatasetItem) => progress.progress(item.name, f),
      onFileDone: (item: DatasetItem, outcome: FileOutcome) => {
        if (outcome.kind === 'skipped') return progress.skipped();
        progress.finished(item.name, outcome.kind === 'done' ? outcome.result : null);
        if (outcome.kind === 'failed' && !json) ctx.err(`${item.name}: failed: ${outcome.failure.error}`);
      },
    };
    const redis = values.redis;
    checkRedisFlags(values);
    const result = await withInterrupt((signal) =>
      redis !== undefined
        ? replayDistributed({
            ...common,
            signal,
            redis,
            outDir: values.out!,
            ...(values.queue !== undefined ? { queue: values.queue } : {}),
            onSubmitted: (count) => progress.start(count),
          })
        : replayDataset({
            ...common,
            signal,
            workers: workers ?? availableParallelism(),
            ...(values.out !== undefined ? { outDir: values.out } : {}),
            ...(values.state !== undefined ? { statePath: values.state } : {}),
            onFileStart: (_item, _i, count) => progress.start(count),
            onStale: (item, reason) => ctx.err(`${item.name}: finished earlier, but ${reason}: processing it again`),
          }),
    ).finally(() => progress.close());
    if (json) printJson(source, values, result, ctx);
    else printTable(result, ctx);
    return outcome(values, result, ctx);
  },
};

/** --redis: a valid URL, with --out, and without the local-only --state / --workers. */
function checkRedisFlags(values: ReplayValues): void {
  const redis = values.redis;
  if (redis === undefined) return;
  checkRedisUrl('replay', redis);
  if (values.out === undefined) {
    throw new CliUsageError('replay: --redis needs --out (a folder every worker can write).');
  }
  if (values.state !== undefined || values.workers !== undefined) {
    throw new CliUsageError('replay: --redis keeps its state in the queue; drop --state and --workers.');
  }
}

function printJson(source: string, values: ReplayValues, result: ReplayResult, ctx: CommandContext): void {
  ctx.out(
    JSON.stringify({
      command: 'replay',
      source,
      out: values.out ?? null,
      state: values.state ?? null,
      interrupted: result.interrupted,
      skipped: result.skipped,
      files: result.results,
      failures: result.failures,
      aggregate: result.aggregate,
    }),
  );
}

/** One row per file, then the aggregate lines. */
function printTable(result: ReplayResult, ctx: CommandContext): void {
  const a = result.aggregate;
  const resumed = new Set(result.resumed);
  const rows = result.results.map((r) => row(r, resumed.has(r.name)));
  const header = ['file', 'mode', 'model', 'sec', 'SI-SDR in', 'SI-SDR out', 'SI-SDRi', 'STOI in', 'STOI out', ''];
  for (const line of table([header, ...rows])) ctx.out(line);
  ctx.out(
    `${a.finished}/${a.files} files done (${result.skipped} from an earlier run), ${a.failed} failed; ` +
      `${a.audioSec.toFixed(1)} s of audio, real-time factor ${num(a.realTimeFactor, 3)}`,
  );
  if (a.withClean > 0) {
    ctx.out(
      `SI-SDR improvement over ${a.withClean} files with a clean track: median ${fmtDelta(a.siSdrImprovementMedian)}, ` +
        `mean ${fmtDelta(a.siSdrImprovementMean)}; SNR improvement mean ${fmtDelta(a.snrImprovementMean)}; ` +
        `STOI out mean ${num(a.stoiOutMean, 3)}`,
    );
  }
}

/** The exit code: CliInterrupted (130) when stopped, 1 when a file failed, else 0. */
function outcome(values: ReplayValues, result: ReplayResult, ctx: CommandContext): number {
  const a = result.aggregate;
  if (result.interrupted) {
    throw new CliInterrupted(
      `interrupted after ${a.finished} of ${a.files} files${
        values.state
          ? `; run again with --state ${values.state} to resume`
          : values.redis
            ? '; the jobs stay queued: run the same command again to wait for them'
            : ''
      }`,
    );
  }
  if (result.failures.length > 0) {
    ctx.err(`adamax-stream: ${result.failures.length} of ${a.files} files failed`);
    return 1;
  }
  return 0;
}

function row(r: ReplayFileResult, skipped: boolean): string[] {
  return [
    r.name,
    r.mode,
    r.model,
    num(r.durationSec, 1),
    num(r.siSdrIn),
    num(r.siSdrOut),
    r.siSdrImprovement === null ? '—' : fmtDelta(r.siSdrImprovement).replace(' dB', ''),
    num(r.stoiIn, 3),
    num(r.stoiOut, 3),
    skipped ? '(resumed)' : '',
  ];
}
