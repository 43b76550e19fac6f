import { serveStreams } from '../../serve/serve-streams.js';
import type { Command } from '../io.js';
import { parseRedisService, runUntilStopped } from '../redis-service.js';

const HELP = `Usage: adamax-stream serve --redis redis://HOST:PORT [options]

Serves live streams over Redis Streams: clients (adamax-stream/node RemoteStream, denoiseRemote)
append frames to <prefix>:s:<id>:in and read denoised frames from <prefix>:s:<id>:out and
smoothed-model snapshots from <prefix>:s:<id>:model. Run any number of servers: each stream has one
owner (a lease renewed while it lives); when an owner dies another continues the stream from its
last checkpoint and the pending frames, with an output identical to an uninterrupted run.

Options:
      --redis <url>           the Redis to serve (required)
      --prefix <p>            key prefix (default adamax)
      --lease-ms <ms>         owner lease TTL; failover after at most this + --scan-ms (default 1000)
      --scan-ms <ms>          how often to look for streams without an owner (default 100)
      --checkpoint-sec <s>    seconds of audio between learner checkpoints (default 2)
      --snapshot-sec <s>      seconds of audio between smoothed-model snapshots (default 1)
      --max-streams <n>       most streams this server owns (default: its fair share)
  -h, --help                  show this help

Prints one line per stream taken over, ended or lost. Runs until Ctrl-C or SIGTERM, which
checkpoint and release the streams (another server takes them over at once).`;

/** The numeric knobs of `serve`, by `serveStreams` option. */
const KNOBS = {
  leaseMs: { flag: 'lease-ms', integer: true, min: 100, max: 3_600_000 },
  scanMs: { flag: 'scan-ms', integer: true, min: 10, max: 3_600_000 },
  maxStreams: { flag: 'max-streams', integer: true, min: 1, max: 3_600_000 },
  checkpointSec: { flag: 'checkpoint-sec', min: 0.01, max: 3600 },
  snapshotSec: { flag: 'snapshot-sec', min: 0.01, max: 3600 },
} as const;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve live denoising streams over Redis Streams (leases, checkpoints, failover)',
  help: HELP,
  async run(args, ctx) {
    const parsed = parseRedisService('serve', args, ctx, HELP, KNOBS, ['prefix']);
    if (!parsed) return 0;
    const server = await serveStreams({
      redis: parsed.redis,
      ...parsed.knobs,
      ...parsed.strings,
      onEvent: (e) => {
        if (e.kind === 'owned') {
          const from = e.resumedFromSeq === null ? 'new' : `checkpoint at seq ${e.resumedFromSeq}`;
          ctx.out(`${e.stream}: owned (${from}, ${e.claimed} pending frames replayed)`);
        } else if (e.kind === 'ended') ctx.out(`${e.stream}: ended (${e.dropped} frames dropped)`);
        else ctx.out(`${e.stream}: lost its lease`);
      },
    });
    ctx.err(`adamax-stream serve ${server.name}: serving (Ctrl-C to stop)`);
    return runUntilStopped(() => server.close());
  },
};
