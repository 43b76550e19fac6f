import { availableParallelism } from 'node:os';
import { startReplayWorker } from '../../node/index.js';
import type { Command } from '../io.js';
import { parseRedisService, runUntilStopped } from '../redis-service.js';

const HELP = `Usage: adamax-stream worker --redis redis://HOST:PORT [options]

Takes files of distributed replays (\`adamax-stream replay … --redis URL\`) from the BullMQ queue and
denoises them, any number of workers on any machines. Inputs are read and outputs written by path:
every worker must see the submitter's paths (shared storage). Runs until Ctrl-C or SIGTERM, which
finish the files in flight first. A killed worker's file is taken over by another worker after the
lock expires, from its last checkpoint.

Options:
      --redis <url>              the queue's Redis (required)
      --concurrency <n>          files at once, one worker thread each (default: the number of cores)
      --queue <name>             queue name (default adamax-stream-replay)
      --lock-duration <ms>       job lock; a dead worker's file is retried after it expires (default 30000)
      --stalled-interval <ms>    how often to look for files of dead workers (default 30000)
      --checkpoint-every <n>     frames between learner checkpoints (default ≈ 5 s of audio)
  -h, --help                     show this help

Prints one line per file started, done or failed. Exit codes: 0 stopped cleanly, 1 cannot connect, 2 usage error.`;

/** The numeric knobs of `worker`, by `startReplayWorker` option. */
const KNOBS = {
  concurrency: { flag: 'concurrency', integer: true, min: 1, max: 1024 },
  lockDurationMs: { flag: 'lock-duration', integer: true, min: 100, max: 3_600_000 },
  stalledIntervalMs: { flag: 'stalled-interval', integer: true, min: 100, max: 3_600_000 },
  checkpointEvery: { flag: 'checkpoint-every', integer: true, min: 1 },
} as const;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'process files of distributed replays from a Redis (BullMQ) queue',
  help: HELP,
  async run(args, ctx) {
    const parsed = parseRedisService('worker', args, ctx, HELP, KNOBS, ['queue']);
    if (!parsed) return 0;
    const worker = await startReplayWorker({
      redis: parsed.redis,
      concurrency: availableParallelism(),
      ...parsed.knobs,
      ...parsed.strings,
      onJob: (e) => {
        if (e.kind === 'started') ctx.out(`${e.item.name}: started`);
        else if (e.kind === 'done') {
          const from = e.result.resumedFromFrame === null ? '' : ` (resumed from frame ${e.result.resumedFromFrame})`;
          ctx.out(`${e.item.name}: done${from}`);
        } else ctx.out(`${e.item.name}: failed${e.final ? '' : ' (will retry)'}: ${e.error}`);
      },
    });
    ctx.err(`adamax-stream worker ${worker.name}: waiting for jobs (Ctrl-C to stop)`);
    return runUntilStopped(() => worker.close());
  },
};
