import type { DatasetItem } from '../io/list-dataset.js';

/** A file that failed: its name, input and the one-line error. */
export interface ReplayFailure {
  readonly name: string;
  readonly noisy: string;
  readonly error: string;
}

/** The one-line error of a failed file. */
export function replayFailure(item: DatasetItem, e: unknown): ReplayFailure {
  return { name: item.name, noisy: item.noisy, error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
}
