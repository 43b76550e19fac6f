/**
 * The queue side of a dataset-replay worker: takes jobs of the replay queue (see
 * `replayDistributed`) and runs each file on a pool of `concurrency` threads (the caller's
 * {@link ReplayPool}: what a thread runs is the caller's choice), so this process's event loop stays
 * free to renew the job locks while the files are processed.
 *
 * Checkpoints: online and prior single-channel files save the learner every `checkpointEvery` frames to
 * `<outDir>/.adamax-checkpoints/<job id>.ckpt` (shared storage); a job taken over after its worker
 * died continues from there. A checkpoint that cannot be used is deleted and the attempt fails
 * (retried from the start).
 */
import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { AdamaxStreamError } from '../core/errors.js';
import type { DatasetItem } from '../io/list-dataset.js';
import { redisConnection } from './redis-connection.js';
import type { ReplayPool } from './replay-item-runner.js';
import { REPLAY_QUEUE, type ReplayJobData, type ReplayJobResult } from './replay-job.js';

export interface ReplayWorkerOptions {
  /** `redis://HOST:PORT`. */
  readonly redis: string;
  /** Queue name. Default `adamax-stream-replay`. */
  readonly queue?: string;
  /** Files processed at once (one worker thread each). Default 1. */
  readonly concurrency?: number;
  /** Job lock, in ms: a dead worker's job is taken back after at most this plus `stalledIntervalMs`. Default 30 000. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs, in ms. Default 30 000. */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails. Default 3. */
  readonly maxStalledCount?: number;
  /** Frames between two learner checkpoints. Default ≈ 5 s of audio. */
  readonly checkpointEvery?: number;
  /** Name reported with finished jobs. Default `<host>:<pid>`. */
  readonly name?: string;
  /** A job started, finished or failed on this worker. */
  readonly onJob?: (event: ReplayWorkerEvent) => void;
}

export type ReplayWorkerEvent =
  | { readonly kind: 'started'; readonly item: DatasetItem; readonly attempt: number }
  | { readonly kind: 'done'; readonly item: DatasetItem; readonly result: ReplayJobResult }
  | { readonly kind: 'failed'; readonly item: DatasetItem; readonly error: string; readonly final: boolean };

export interface ReplayWorker {
  readonly name: string;
  /** Finishes the jobs in flight, then disconnects. */
  readonly close: () => Promise<void>;
}

/** Errors a retry cannot fix fail the job at once; I/O and checkpoint problems are retried. */
function classify(e: unknown, checkpointPath: string | undefined, Unrecoverable: new (m: string) => Error): Error {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'checkpoint_invalid' && checkpointPath) {
    for (const p of [checkpointPath, `${checkpointPath}.partial`, `${checkpointPath}.meta.json`]) {
      rmSync(p, { force: true });
    }
  }
  if (code === undefined || code === 'io' || code === 'checkpoint_invalid')
    return e instanceof Error ? e : new Error(message);
  return new Unrecoverable(message);
}

/** Starts a replay worker (see the module doc) whose files run on `openPool(concurrency)`. */
export async function startReplayQueueWorker(
  options: ReplayWorkerOptions,
  openPool: (threads: number) => Promise<ReplayPool>,
): Promise<ReplayWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new AdamaxStreamError('invalid_argument', `concurrency must be an integer >= 1. Received: ${concurrency}`);
  }
  const name = options.name ?? `${hostname()}:${process.pid}`;
  // Loaded on demand: the queue client is only needed by distributed runs.
  const { UnrecoverableError, Worker } = await import('bullmq');
  const pool = await openPool(concurrency);
  // Jobs are taken only once every thread has loaded the replay modules.
  await pool.ready();
  const processor = async (job: Job<ReplayJobData, ReplayJobResult>): Promise<ReplayJobResult> => {
    const { item, settings } = job.data;
    const checkpointPath = settings.outDir ? join(settings.outDir, '.adamax-checkpoints', `${job.id}.ckpt`) : undefined;
    if (checkpointPath) await mkdir(join(settings.outDir!, '.adamax-checkpoints'), { recursive: true });
    let resumedFromFrame: number | null = null;
    let lastReport = 0;
    try {
      const result = await pool.run(
        item,
        {
          ...settings,
          ...(checkpointPath ? { checkpointPath } : {}),
          ...(options.checkpointEvery ? { checkpointEvery: options.checkpointEvery } : {}),
        },
        {
          onProgress: (f) => {
            const now = Date.now();
            if (now - lastReport < 250 && f < 1) return;
            lastReport = now;
            void job.updateProgress(f).catch(() => {});
          },
          onResumed: (frame) => {
            resumedFromFrame = frame;
          },
        },
      );
      return { result, resumedFromFrame, worker: name };
    } catch (e) {
      throw classify(e, checkpointPath, UnrecoverableError);
    }
  };
  const worker = new Worker<ReplayJobData, ReplayJobResult>(options.queue ?? REPLAY_QUEUE, processor, {
    connection: redisConnection(options.redis),
    concurrency,
    name,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 3,
  });
  worker.on('active', (job) =>
    options.onJob?.({ kind: 'started', item: job.data.item, attempt: job.attemptsMade + 1 }),
  );
  worker.on('completed', (job, result) => options.onJob?.({ kind: 'done', item: job.data.item, result }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    options.onJob?.({ kind: 'failed', item: job.data.item, error: err.message, final });
  });
  // Connection errors are retried by the client (a Redis restart); keep them from crashing the process.
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return {
    name,
    close: async () => {
      await worker.close();
      await pool.close();
    },
  };
}
