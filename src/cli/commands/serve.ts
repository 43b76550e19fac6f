import { serveStreams } from '../../serve/serve-streams.js';
import { DEFAULT_SINGLE_STREAM_MODEL, SINGLE_STREAM_MODELS, type SingleStreamModel } from '../../serve/stream-model.js';
import { CliUsageError, type Command } from '../io.js';
import { parseRedisService, runUntilStopped } from '../redis-service.js';

const HELP = `Usage: adamax-stream serve --redis redis://HOST:PORT [options]

Serves live streams over Redis Streams: clients (adamax-stream/node RemoteStream, denoiseRemote)
append frames to <prefix>:s:<id>:in and read denoised frames from <prefix>:s:<id>:out and
smoothed-model snapshots from <prefix>:s:<id>:model. Run any number of servers: each stream has one
owner (a lease renewed while it lives); when an owner dies another continues the stream from its
last checkpoint and the pending frames, with an output identical to an uninterrupted run.

Single-channel streams run the speech prior, the default model of denoise (--model prior), with a
fixed latency of N/2 + max(0, N/2 - 256) samples (N: the prior's FFT size at the stream's rate;
768 samples = 16 ms at 48 kHz, 128 = 8 ms at 16 kHz); --model online runs the prior-free online
denoiser (latency 256 samples). A stream keeps its model for life: a server continues a stream of
the other model with that model; a checkpoint it cannot load restarts the stream with a fresh model
(logged as "restarted").

Options:
      --redis <url>           the Redis to serve (required)
      --model <m>             model of new single-channel streams: ${SINGLE_STREAM_MODELS.join(' | ')} (default ${DEFAULT_SINGLE_STREAM_MODEL})
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
    const parsed = parseRedisService('serve', args, ctx, HELP, KNOBS, ['prefix', 'model']);
    if (!parsed) return 0;
    const model = parsed.strings.model ?? DEFAULT_SINGLE_STREAM_MODEL;
    if (!(SINGLE_STREAM_MODELS as readonly string[]).includes(model)) {
      throw new CliUsageError(`serve: --model must be ${SINGLE_STREAM_MODELS.join(' or ')}. Received: ${model}`);
    }
    const server = await serveStreams({
      redis: parsed.redis,
      ...parsed.knobs,
      ...(parsed.strings.prefix !== undefined ? { prefix: parsed.strings.prefix } : {}),
      singleModel: model as SingleStreamModel,
      onEvent: (e) => {
        if (e.kind === 'owned') {
          const from = e.resumedFromSeq === null ? 'new' : `checkpoint at seq ${e.resumedFromSeq}`;
          const m = e.model ? `; model ${e.model}` : '';
          ctx.out(`${e.stream}: owned (${from}, ${e.claimed} pending frames replayed${m})`);
        } else if (e.kind === 'ended') ctx.out(`${e.stream}: ended (${e.dropped} frames dropped)`);
        else if (e.kind === 'restarted') ctx.out(`${e.stream}: restarted with a fresh model [${e.code}]: ${e.message}`);
        else ctx.out(`${e.stream}: lost its lease`);
      },
    });
    ctx.err(`adamax-stream serve ${server.name}: serving (single-channel model ${model}; Ctrl-C to stop)`);
    return runUntilStopped(() => server.close());
  },
};
