/**
 * The task of a replay pool thread: denoise one file (`replayItem`), reporting progress fractions
 * on the task's port and stopping between batches when the port receives `abort`.
 */
import type { MessagePort } from 'node:worker_threads';
import { isAbortError } from './common.js';
import { type DatasetItem, type ReplayFileResult, type ReplayItemSettings, replayItem } from './dataset-replay.js';

export interface PoolTask {
  readonly item: DatasetItem;
  readonly settings: ReplayItemSettings;
  readonly port: MessagePort;
}

export type PoolReply =
  | { readonly kind: 'done'; readonly result: ReplayFileResult }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'failed'; readonly error: string };

/** Runs one file; never rejects (the outcome is in the reply). */
export default async function replayPoolTask(task: PoolTask): Promise<PoolReply> {
  const controller = new AbortController();
  task.port.on('message', (m: unknown) => {
    if (m === 'abort') controller.abort();
  });
  try {
    const result = await replayItem(task.item, task.settings, {
      signal: controller.signal,
      onProgress: (f) => task.port.postMessage(f),
    });
    return { kind: 'done', result };
  } catch (e) {
    if (isAbortError(e)) return { kind: 'aborted' };
    return { kind: 'failed', error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  } finally {
    task.port.close();
  }
}
