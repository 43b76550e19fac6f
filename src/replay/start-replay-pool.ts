/**
 * A worker-thread pool for dataset replay: each file of a local replay runs in one of `threads`
 * threads (Piscina, a maintained pool, rather than hand-rolled `Worker` bookkeeping). The main
 * thread keeps the state file; a thread only denoises and writes its file's output atomically.
 * What a thread runs is the caller's thread module: its default export hands each task to
 * `replayPoolTask` with the function that processes one file.
 *
 * Abort is cooperative: the pool posts `abort` to the in-flight files' ports and each stops between
 * two batches of frames (a started write completes), so no partial output is ever left.
 *
 * From source (a `.ts` thread module, development and tests) the threads load TypeScript through
 * tsx; from the built package they load the compiled `.js`.
 */

import { createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { abortError } from '../core/abort-error.js';
import type { ReplayPool } from './replay-item-runner.js';
import type { PoolReply, PoolTask } from './replay-pool-task.js';

/** Whether a Node flag (or the value after `--import` / `--loader`) loads tsx. */
const isTsxFlag = (a: string) => /(^|[/\\=])tsx([/\\@.]|$)/.test(a);

/**
 * The thread module and the loader flags it needs: the TypeScript sources need tsx in each thread;
 * compiled `.js` needs none, so a parent started through tsx does not hand its loader to the
 * threads (loading tsx doubles a thread's start-up).
 */
function workerModule(thread: URL): { filename: string; execArgv: string[] } {
  const filename = thread.href;
  const fromSource = filename.endsWith('.ts');
  if (!fromSource) {
    const execArgv: string[] = [];
    const args = process.execArgv;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if ((a === '--import' || a === '--loader' || a === '--require' || a === '-r') && isTsxFlag(args[i + 1] ?? ''))
        i++;
      else if (!isTsxFlag(a)) execArgv.push(a);
    }
    return { filename, execArgv };
  }
  const tsx = new URL(`file://${createRequire(import.meta.url).resolve('tsx')}`).href;
  const inherited = process.execArgv.some((a) => a.includes('tsx'));
  return { filename, execArgv: inherited ? [...process.execArgv] : [...process.execArgv, '--import', tsx] };
}

/** Starts a pool of `threads` worker threads running the thread module `thread` (see the module doc). */
export async function startReplayPool(threads: number, thread: URL): Promise<ReplayPool> {
  const { filename, execArgv } = workerModule(thread);
  const pool = new Piscina<PoolTask | null, PoolReply>({
    filename,
    execArgv,
    minThreads: threads,
    maxThreads: threads,
    // Files are long tasks: one per thread, queued in dataset order.
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
  });
  const run: ReplayPool['run'] = async (item, settings, hooks) => {
    const { port1, port2 } = new MessageChannel();
    const onAbort = () => port1.postMessage('abort');
    if (hooks.signal?.aborted) throw abortError(hooks.signal);
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    port1.on('message', (f: number) => hooks.onProgress?.(f));
    try {
      const reply = await pool.run({ item, settings, port: port2 }, { transferList: [port2] });
      if (reply.kind === 'aborted' || reply.kind === 'ready') throw abortError(hooks.signal);
      if (reply.kind === 'failed') {
        // The thread's error, rebuilt with its name and code (classes do not cross threads).
        throw Object.assign(new Error(reply.error), { name: reply.name, ...(reply.code ? { code: reply.code } : {}) });
      }
      if (reply.resumedFromFrame !== null) hooks.onResumed?.(reply.resumedFromFrame);
      return reply.result;
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
      port1.close();
    }
  };
  // One ping per thread, sent together: each idle thread takes one (one task per thread at a time).
  const ready = async () => {
    await Promise.all(Array.from({ length: threads }, () => pool.run(null)));
  };
  return { run, ready, close: () => pool.close() };
}
