import { parseArgs } from 'node:util';
import type { ProgressStream } from './progress.js';

/** Where the CLI writes: `process.stdout` / `process.stderr` or captured streams in tests. */
export interface CliIo {
  readonly stdout: { write(chunk: string): boolean };
  readonly stderr: ProgressStream;
}

/** A command-line mistake: one line on stderr, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** A run stopped by Ctrl-C (SIGINT) after finishing what it was writing: exit code 130. */
export class CliInterrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliInterrupted';
  }
}

/** The context a command runs in. */
export interface CommandContext {
  readonly io: CliIo;
  /** Prints a line on stdout. */
  out(line?: string): void;
  /** Prints a line on stderr. */
  err(line: string): void;
}

/** One sub-command. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** Flag definitions of a command (node:util parseArgs; no multiples, no defaults). */
type Options = Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>;

/** Parsed flags: strings for string flags, booleans for boolean flags; absent flags are undefined. */
export type ParsedFlags<O extends Options> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

/**
 * `parseArgs` with strict options; its errors become {@link CliUsageError} with a one-line message.
 * `--help` / `-h` is always accepted.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  positionals: { min: number; max: number; names: string },
): { values: ParsedFlags<O>; positionals: string[] } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (e) {
    const message = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '.');
    throw new CliUsageError(`${command}: ${message}`);
  }
  const values = parsed.values;
  if (values.help !== true) {
    const n = parsed.positionals.length;
    if (n < positionals.min) throw new CliUsageError(`${command}: missing ${positionals.names}.`);
    if (n > positionals.max) {
      throw new CliUsageError(`${command}: unexpected argument '${parsed.positionals[positionals.max]}'.`);
    }
  }
  return { values: values as ParsedFlags<O>, positionals: parsed.positionals };
}

/** Parses a number flag: finite, optionally integer and bounded. */
export function numberFlag(
  command: string,
  flag: string,
  value: string | undefined,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  const bad =
    value.trim() === '' ||
    !Number.isFinite(v) ||
    (opts.integer && !Number.isInteger(v)) ||
    (opts.min !== undefined && v < opts.min) ||
    (opts.max !== undefined && v > opts.max);
  if (bad) {
    const range =
      opts.min !== undefined && opts.max !== undefined
        ? ` in [${opts.min}, ${opts.max}]`
        : opts.min !== undefined
          ? ` >= ${opts.min}`
          : '';
    throw new CliUsageError(
      `${command}: --${flag} must be ${opts.integer ? 'an integer' : 'a number'}${range}. Received: ${value}`,
    );
  }
  return v;
}

/** Checks a flag's value is one of `allowed`. */
export function choiceFlag<T extends string>(
  command: string,
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliUsageError(`${command}: --${flag} must be one of ${allowed.join(', ')}. Received: ${value}`);
  }
  return value as T;
}

/** dB value for text output. */
export const fmtDb = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : Number.isFinite(v) ? `${v.toFixed(2)} dB` : `${v} dB`;

/** Signed dB difference for text output. */
export const fmtDelta = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(2)} dB`;

/** Pads the cells of a table to aligned columns (first column left, the rest right-aligned). */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

/**
 * Runs `fn` with an AbortSignal that fires on the first Ctrl-C (SIGINT); a second Ctrl-C is left to
 * Node's default (immediate exit). The handler is removed afterwards.
 */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    process.removeListener('SIGINT', onSigint);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
