/**
 * The command line and life cycle shared by the Redis services (`serve`, `worker`): a required,
 * checked `--redis URL`, numeric knobs parsed and bounded from one table, a few string flags, and
 * running until SIGINT/SIGTERM, which close the service cleanly.
 */
import { redisConnection } from '../node/index.js';
import { CliUsageError, type CommandContext, numberFlag, parseCommandArgs } from './io.js';

/** A numeric knob: its flag and bounds. */
export interface KnobFlag {
  readonly flag: string;
  readonly integer?: boolean;
  readonly min: number;
  readonly max?: number;
}

/** What a service's command line gave: the URL, the knobs set (absent ones left out), the strings. */
export interface RedisServiceArgs<K extends string, S extends string> {
  readonly redis: string;
  readonly knobs: Partial<Record<K, number>>;
  readonly strings: Partial<Record<S, string>>;
}

/** A malformed `--redis` URL is a usage error (exit 2). */
export function checkRedisUrl(command: string, url: string): void {
  try {
    redisConnection(url);
  } catch (e) {
    throw new CliUsageError(`${command}: --redis: ${(e as Error).message}`);
  }
}

/**
 * Parses a service's flags: `--redis` (required, checked), each knob of `knobs` (keyed by the
 * library's option name), the string flags `strings`, and `-h`. Returns null after printing
 * `help`. Throws `CliUsageError` (exit 2) for anything malformed.
 */
export function parseRedisService<K extends string, S extends string>(
  command: string,
  args: string[],
  ctx: CommandContext,
  help: string,
  knobs: Readonly<Record<K, KnobFlag>>,
  strings: readonly S[],
): RedisServiceArgs<K, S> | null {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    redis: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  const specs = Object.entries(knobs) as [K, KnobFlag][];
  for (const [, k] of specs) options[k.flag] = { type: 'string' };
  for (const s of strings) options[s] = { type: 'string' };
  const { values } = parseCommandArgs(command, args, options, { min: 0, max: 0, names: '' });
  if (values.help) {
    ctx.out(help);
    return null;
  }
  const redis = values.redis as string | undefined;
  if (redis === undefined) throw new CliUsageError(`${command}: --redis <url> is required.`);
  checkRedisUrl(command, redis);
  const parsed: Partial<Record<K, number>> = {};
  for (const [key, k] of specs) {
    const v = numberFlag(command, k.flag, values[k.flag] as string | undefined, k);
    if (v !== undefined) parsed[key] = v;
  }
  const given: Partial<Record<S, string>> = {};
  for (const s of strings) if (values[s] !== undefined) given[s] = values[s] as string;
  return { redis, knobs: parsed, strings: given };
}

/** Waits for SIGINT or SIGTERM, then closes the service; exit code 0. */
export async function runUntilStopped(close: () => Promise<void>): Promise<number> {
  await new Promise<void>((done) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await close();
  return 0;
}
