/**
 * Dataset replay on many machines: a BullMQ queue in Redis holds one job per file; workers on any
 * number of machines take jobs and denoise them; the submitter waits and gathers the same
 * per-file and aggregate metrics as a local replay.
 *
 * - Job id = a fingerprint of the input (SHA-256 of the noisy, clean and reference files' bytes,
 *   the output folder and the settings): re-submitting is idempotent — a file already done is not
 *   redone, a file in flight is joined, a failed one is retried.
 * - Workers read inputs and write outputs **by path**: every machine must see the same paths
 *   (shared storage). Outputs are written once, atomically (temporary file + rename).
 * - A worker that dies (SIGKILL, power loss) stops renewing its job's lock; BullMQ's stalled-job
 *   check (every `stalledIntervalMs`, lock `lockDurationMs`) moves the job back to the queue and
 *   another worker continues it from its last learner checkpoint (`<out>/.adamax-checkpoints/`,
 *   online and prior single-channel files; other methods restart the file).
 * - A file that fails for a reason a retry cannot fix (undecodable input, bad settings) fails at
 *   once (BullMQ `UnrecoverableError`); an I/O error is retried `attempts` times with back-off.
 */
import { resolve } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { AdamaxStreamError } from '../core/errors.js';
import { type DatasetItem, listDataset } from '../io/list-dataset.js';
import { aggregate } from './aggregate.js';
import { redisConnection } from './redis-connection.js';
import { type ReplayFailure, replayFailure } from './replay-failure.js';
import type { ReplayFileResult } from './replay-file-result.js';
import { itemSettings, type ReplayItemSettings } from './replay-item-settings.js';
import { REPLAY_QUEUE, type ReplayJobData, type ReplayJobResult } from './replay-job.js';
import { replayJobId } from './replay-job-id.js';
import type { ReplayResult } from './replay-result.js';

export interface DistributedReplayOptions extends Omit<ReplayItemSettings, 'checkpointPath' | 'checkpointEvery'> {
  /** A folder or a manifest (paths must be the same on every worker). */
  readonly source: string;
  /** Output folder on shared storage (required: workers write there). */
  readonly outDir: string;
  /** `redis://HOST:PORT`. */
  readonly redis: string;
  /** Queue name. Default {@link REPLAY_QUEUE}. */
  readonly queue?: string;
  /** Attempts per file for retryable errors (I/O). Default 3. */
  readonly attempts?: number;
  /** Stops waiting (the jobs stay queued; re-submit to wait again). */
  readonly signal?: AbortSignal;
  /** How often job states are polled, in ms. Default 250. */
  readonly pollMs?: number;
  /** The dataset is listed and every job submitted (`alreadyDone` finished in an earlier submission). */
  readonly onSubmitted?: (count: number, alreadyDone: number) => void;
  /** A file finished (or was already finished: `skipped`) or failed. */
  readonly onFileDone?: (
    item: DatasetItem,
    outcome: { kind: 'done' | 'skipped'; result: ReplayFileResult } | { kind: 'failed'; failure: ReplayFailure },
  ) => void;
  /** Fraction of an in-flight file done (as its worker reports it). */
  readonly onProgress?: (fraction: number, item: DatasetItem) => void;
}

type Bull = typeof import('bullmq');

interface Pending {
  readonly item: DatasetItem;
  readonly id: string;
}

/** Adds one job per item (existing ids are kept: idempotent); failed jobs of an earlier submission are retried. */
async function enqueue(
  bull: Bull,
  queue: Queue,
  items: readonly DatasetItem[],
  settings: ReplayItemSettings,
  attempts: number,
) {
  const jobs: Pending[] = [];
  for (const item of items) jobs.push({ item, id: await replayJobId(item, settings) });
  await queue.addBulk(
    jobs.map(({ item, id }) => ({
      name: item.name,
      data: { item, settings } satisfies ReplayJobData,
      opts: { jobId: id, attempts, backoff: { type: 'exponential', delay: 1000 } },
    })),
  );
  for (const { id } of jobs) {
    const job = await bull.Job.fromId(queue, id);
    if (job && (await job.getState()) === 'failed') await job.retry('failed', { resetAttemptsMade: true });
  }
  return jobs;
}

/**
 * Submits a dataset to the queue and waits until every file is done or failed (see the module doc).
 * Resolves with the same shape as a local `replayDataset`.
 */
export async function replayDistributed(options: DistributedReplayOptions): Promise<ReplayResult> {
  const attempts = options.attempts ?? 3;
  if (!(Number.isInteger(attempts) && attempts >= 1)) {
    throw new AdamaxStreamError('invalid_argument', `attempts must be an integer >= 1. Received: ${attempts}`);
  }
  const listed = await listDataset(options.source);
  // Absolute paths: a worker runs elsewhere (same shared storage, another working directory).
  const items = listed.map((it) => ({
    ...it,
    noisy: resolve(it.noisy),
    ...(it.clean ? { clean: resolve(it.clean) } : {}),
    ...(it.reference ? { reference: resolve(it.reference) } : {}),
  }));
  const settings: ReplayItemSettings = itemSettings({ ...options, outDir: resolve(options.outDir) });
  // Loaded on demand: the queue client is only needed by distributed runs.
  const bull: Bull = await import('bullmq');
  const queue = new bull.Queue(options.queue ?? REPLAY_QUEUE, { connection: redisConnection(options.redis) });
  // Connection errors (a Redis restart) are retried by the client; commands wait for the reconnect.
  queue.on('error', () => {});
  try {
    const jobs = await enqueue(bull, queue, items, settings, attempts);
    return await waitForJobs(bull, queue, items, jobs, options);
  } finally {
    await queue.close();
  }
}

/** Polls the jobs until all are final (or the signal fires). */
async function waitForJobs(
  bull: Bull,
  queue: Queue,
  items: readonly DatasetItem[],
  jobs: readonly Pending[],
  options: DistributedReplayOptions,
): Promise<ReplayResult> {
  const finished = new Map<string, ReplayFileResult>();
  const failed = new Map<string, ReplayFailure>();
  const resumed: string[] = [];
  let pending = [...jobs];
  let first = true;
  let interrupted = false;
  while (pending.length > 0) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const still: Pending[] = [];
    for (const p of pending) {
      let job = (await bull.Job.fromId(queue, p.id)) as Job<ReplayJobData, ReplayJobResult> | undefined;
      const state = job ? await job.getState() : 'unknown';
      // The job may have finished between the two reads: re-read it once its state is final, so the
      // result or the failure reason read below belongs to that state (a final job no longer changes).
      if (job && (state === 'completed' || state === 'failed')) {
        job = ((await bull.Job.fromId(queue, p.id)) as Job<ReplayJobData, ReplayJobResult> | undefined) ?? job;
      }
      if (job && state === 'completed') {
        const result = job.returnvalue.result;
        finished.set(p.item.name, result);
        if (first) resumed.push(p.item.name);
        options.onFileDone?.(p.item, { kind: first ? 'skipped' : 'done', result });
      } else if (job && state === 'failed') {
        const failure = replayFailure(p.item, new Error(job.failedReason));
        failed.set(p.item.name, failure);
        options.onFileDone?.(p.item, { kind: 'failed', failure });
      } else if (!job) {
        throw new AdamaxStreamError('io', `Job ${p.id} (${p.item.name}) disappeared from the queue.`);
      } else {
        if (typeof job.progress === 'number' && job.progress > 0) options.onProgress?.(job.progress, p.item);
        still.push(p);
      }
    }
    if (first) options.onSubmitted?.(jobs.length, resumed.length);
    first = false;
    pending = still;
    if (pending.length > 0) await sleep(options.pollMs ?? 250, options.signal);
  }
  const results = items.map((it) => finished.get(it.name)).filter((r): r is ReplayFileResult => r !== undefined);
  const failures = items.map((it) => failed.get(it.name)).filter((f): f is ReplayFailure => f !== undefined);
  return {
    items,
    results,
    failures,
    skipped: resumed.length,
    resumed,
    aggregate: aggregate(items.length, results, failures.length),
    interrupted,
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const t = setTimeout(finish, ms);
    function finish() {
      clearTimeout(t);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}
