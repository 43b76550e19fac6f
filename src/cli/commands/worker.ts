import { availableParallelism } from 'node:os';
import { redisConnection, startReplayWorker } from '../../../pipelines/index.js';
import { CliUsageError, type Command, numberFlag, parseCommandArgs } from '../io.js';

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

Prints one line per file done or failed. Exit codes: 0 stopped cleanly, 1 cannot connect, 2 usage error.`;

/** A malformed `--redis` URL is a usage error (exit 2). */
export function checkRedisUrl(command: string, url: string): void {
  try {
    redisConnection(url);
  } catch (e) {
    throw new CliUsageError(`${command}: --redis: ${(e as Error).message}`);
  }
}

export const workerCommand: Command = {
  name: 'worker',
  summary: 'process files of distributed replays from a Redis (BullMQ) queue',
  help: HELP,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      'worker',
      args,
      {
        redis: { type: 'string' },
        concurrency: { type: 'string' },
        queue: { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        'checkpoint-every': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      { min: 0, max: 0, names: '' },
    );
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    if (values.redis === undefined) throw new CliUsageError('worker: --redis <url> is required.');
    checkRedisUrl('worker', values.redis);
    const ms = (flag: 'lock-duration' | 'stalled-interval') =>
      numberFlag('worker', flag, values[flag], { integer: true, min: 100, max: 3_600_000 });
    const lockDurationMs = ms('lock-duration');
    const stalledIntervalMs = ms('stalled-interval');
    const checkpointEvery = numberFlag('worker', 'checkpoint-every', values['checkpoint-every'], {
      integer: true,
      min: 1,
    });
    const worker = await startReplayWorker({
      redis: values.redis,
      concurrency:
        numberFlag('worker', 'concurrency', values.concurrency, { integer: true, min: 1, max: 1024 }) ??
        availableParallelism(),
      ...(values.queue !== undefined ? { queue: values.queue } : {}),
      ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
      ...(stalledIntervalMs !== undefined ? { stalledIntervalMs } : {}),
      ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
      onJob: (e) => {
        if (e.kind === 'done') {
          const from = e.result.resumedFromFrame === null ? '' : ` (resumed from frame ${e.result.resumedFromFrame})`;
          ctx.out(`${e.item.name}: done${from}`);
        } else ctx.out(`${e.item.name}: failed${e.final ? '' : ' (will retry)'}: ${e.error}`);
      },
    });
    ctx.err(`adamax-stream worker ${worker.name}: waiting for jobs (Ctrl-C to stop)`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await worker.close();
    return 0;
  },
};
