/**
 * The task of a replay pool thread: denoise one file (`replayItem`), reporting progress fractions
 * on the task's port and stopping between batches when the port receives `abort`.
 */

import type { MessagePort } from 'node:worker_threads';
import { isAbortError } from '../src/core/abort-error.js';
import type { DatasetItem } from '../src/node/io.js';
import type { ReplayFileResult } from '../src/replay/replay-file-result.js';
import type { ReplayItemSettings } from '../src/replay/replay-item-settings.js';
import { replayItem } from './dataset-replay.js';

export interface PoolTask {
  readonly item: DatasetItem;
  readonly settings: ReplayItemSettings;
  readonly port: MessagePort;
}

export type PoolReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly result: ReplayFileResult; readonly resumedFromFrame: number | null }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'failed'; readonly error: string; readonly name: string; readonly code: string | null };

/** Runs one file; never rejects (the outcome is in the reply). `null`: a ping (the thread has loaded this module). */
export default async function replayPoolTask(task: PoolTask | null): Promise<PoolReply> {
  if (task === null) return { kind: 'ready' };
  const controller = new AbortController();
  task.port.on('message', (m: unknown) => {
    if (m === 'abort') controller.abort();
  });
  let resumedFromFrame: number | null = null;
  try {
    const result = await replayItem(task.item, task.settings, {
      signal: controller.signal,
      onProgress: (f) => task.port.postMessage(f),
      onResumed: (frame) => {
        resumedFromFrame = frame;
      },
    });
    return { kind: 'done', result, resumedFromFrame };
  } catch (e) {
    if (isAbortError(e)) return { kind: 'aborted' };
    const code = (e as { code?: unknown } | null)?.code;
    return {
      kind: 'failed',
      error: e instanceof Error ? e.message.split('\n')[0]! : String(e),
      name: e instanceof Error ? e.name : 'Error',
      code: typeof code === 'string' ? code : null,
    };
  } finally {
    task.port.close();
  }
}
