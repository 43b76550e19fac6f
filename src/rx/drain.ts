import type { Observable } from 'rxjs';
import { abortError } from '../core/abort-error.js';

export interface DrainOptions<T> {
  /** Called with each value. */
  readonly next?: (value: T) => void;
  /** Unsubscribes and rejects with an `AbortError` (or the signal's reason) when it fires. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Subscribes to `source` and resolves when it completes (rejects with its error), handing each
 * value to `next`: how a file pipeline runs its stream to the end.
 */
export function drain<T>(source: Observable<T>, options: DrainOptions<T> = {}): Promise<void> {
  const signal = options.signal;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      subscription.unsubscribe();
      reject(abortError(signal));
    };
    const subscription = source.subscribe({
      ...(options.next ? { next: options.next } : {}),
      error: (e: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      },
      complete: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
