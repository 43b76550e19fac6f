/**
 * The `adamax-stream` command line: `denoise`, `replay`, `scenario`, `live`, `bench`.
 * `main(argv, io)` returns the exit code (0 ok, 1 runtime failure, 2 usage error, 130 interrupted)
 * and writes only through `io` (stdout: results and `--json` summaries; stderr: one-line errors and
 * the TTY progress bar).
 */
import { AdamaxStreamError } from '../core/errors.js';
import { benchCommand } from './commands/bench.js';
import { denoiseCommand } from './commands/denoise.js';
import { liveCommand } from './commands/live.js';
import { replayCommand } from './commands/replay.js';
import { scenarioCommand } from './commands/scenario.js';
import { serveCommand } from './commands/serve.js';
import { workerCommand } from './commands/worker.js';
import { CliInterrupted, type CliIo, CliUsageError, type Command, type CommandContext } from './io.js';
import { packageVersion } from './speech.js';

export type { CliIo } from './io.js';

const COMMANDS: readonly Command[] = [
  denoiseCommand,
  replayCommand,
  scenarioCommand,
  liveCommand,
  benchCommand,
  workerCommand,
  serveCommand,
];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: adamax-stream <command> [options]',
    '',
    'Stream-processing online learner (Keras-exact Adamax) for adaptive audio denoising.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `adamax-stream <command> --help` for the options of a command.',
    'Exit codes: 0 ok, 1 runtime failure, 2 usage error, 130 interrupted (Ctrl-C).',
  ].join('\n');
}

/** First line of an error message (multi-issue option errors are joined with '; '). */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length > 1 ? lines.join('; ') : (lines[0] ?? 'unknown error');
}

/**
 * Runs the CLI with `argv` (without the node and script paths).
 * @returns the exit code.
 */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const ctx: CommandContext = {
    io,
    out: (line = '') => {
      io.stdout.write(`${line}\n`);
    },
    err: (line) => {
      io.stderr.write(`${line}\n`);
    },
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0]) return main([rest[0], '--help'], io);
    ctx.out(topHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    ctx.out(`adamax-stream ${packageVersion()}`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.err(
      `adamax-stream: unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see --help).`,
    );
    return 2;
  }
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    if (e instanceof CliUsageError) {
      ctx.err(`adamax-stream ${oneLine(e)} (see adamax-stream ${command.name} --help)`);
      return 2;
    }
    if (e instanceof CliInterrupted) {
      ctx.err(`adamax-stream ${command.name}: ${oneLine(e)}`);
      return 130;
    }
    if (e instanceof AdamaxStreamError && e.code === 'usage') {
      ctx.err(`adamax-stream ${command.name}: ${oneLine(e)}`);
      return 2;
    }
    ctx.err(`adamax-stream: ${oneLine(e)}`);
    return 1;
  }
}
