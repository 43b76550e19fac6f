import { serveStreams } from '../../../pipelines/index.js';
import { CliUsageError, type Command, numberFlag, parseCommandArgs } from '../io.js';
import { checkRedisUrl } from './worker.js';

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

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve live denoising streams over Redis Streams (leases, checkpoints, failover)',
  help: HELP,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      'serve',
      args,
      {
        redis: { type: 'string' },
        prefix: { type: 'string' },
        'lease-ms': { type: 'string' },
        'scan-ms': { type: 'string' },
        'checkpoint-sec': { type: 'string' },
        'snapshot-sec': { type: 'string' },
        'max-streams': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      { min: 0, max: 0, names: '' },
    );
    if (values.help) {
      ctx.out(HELP);
      return 0;
    }
    if (values.redis === undefined) throw new CliUsageError('serve: --redis <url> is required.');
    checkRedisUrl('serve', values.redis);
    const opt = (flag: 'lease-ms' | 'scan-ms' | 'max-streams', min: number) =>
      numberFlag('serve', flag, values[flag], { integer: true, min, max: 3_600_000 });
    const sec = (flag: 'checkpoint-sec' | 'snapshot-sec') =>
      numberFlag('serve', flag, values[flag], { min: 0.01, max: 3600 });
    const knobs = {
      leaseMs: opt('lease-ms', 100),
      scanMs: opt('scan-ms', 10),
      maxStreams: opt('max-streams', 1),
      checkpointSec: sec('checkpoint-sec'),
      snapshotSec: sec('snapshot-sec'),
    };
    const server = await serveStreams({
      redis: values.redis,
      ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
      ...Object.fromEntries(Object.entries(knobs).filter(([, v]) => v !== undefined)),
      onEvent: (e) => {
        if (e.kind === 'owned') {
          const from = e.resumedFromSeq === null ? 'new' : `checkpoint at seq ${e.resumedFromSeq}`;
          ctx.out(`${e.stream}: owned (${from}, ${e.claimed} pending frames replayed)`);
        } else if (e.kind === 'ended') ctx.out(`${e.stream}: ended (${e.dropped} frames dropped)`);
        else ctx.out(`${e.stream}: lost its lease`);
      },
    });
    ctx.err(`adamax-stream serve ${server.name}: serving (Ctrl-C to stop)`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
