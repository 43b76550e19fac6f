/**
 * The task of a replay pool thread (see `startReplayPool`): one file through the thread module's
 * runner (`replayItem`), reporting progress fractions on the task's port and stopping between
 * batches when the port receives `abort`.
 */
import type { MessagePort } from 'node:worker_threads';
import { isAbortError } from '../core/abort-error.js';
import type { DatasetItem } from '../io/list-dataset.js';
import type { ReplayFileResult } from './replay-file-result.js';
import type { ReplayItemRunner } from './replay-item-runner.js';
import type { ReplayItemSettings } from './replay-item-settings.js';

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

/**
 * Runs one file with `run`; never rejects (the outcome is in the reply). `null`: a ping (the thread
 * has loaded its modules).
 */
export async function replayPoolTask(task: PoolTask | null, run: ReplayItemRunner): Promise<PoolReply> {
  if (task === null) return { kind: 'ready' };
  const controller = new AbortController();
  task.port.on('message', (m: unknown) => {
    if (m === 'abort') controller.abort();
  });
  let resumedFromFrame: number | null = null;
  try {
    const result = await run(task.item, task.settings, {
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
