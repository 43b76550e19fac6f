import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';

/** What an operator does with its source, for one subscription (see {@link operate}). */
export interface OperatorBody<T> {
  /** One source value. A throw errors the output stream (never escapes to the producer). */
  next(value: T): void;
  /** Source completed, before the output completes; a throw errors the output instead. */
  complete?(): void;
  /** Teardown (unsubscribe, error or completion): release timers, queues and buffers. */
  finalize?(): void;
}

/**
 * The skeleton every operator of this package shares, in the manner of RxJS's own `operate()` /
 * `createOperatorSubscriber`: per subscription, `init(subscriber)` builds the operator's state and
 * handlers (a throw from `init` errors the stream); the source is subscribed with
 * - `next`: skipped once the output is closed; a throw becomes `subscriber.error`;
 * - `error`: forwarded;
 * - `complete`: the body's `complete`, then `subscriber.complete()` unless it errored or closed;
 * and unsubscribing tears down the source subscription, then the body's `finalize`.
 */
export function operate<T, R>(init: (subscriber: Subscriber<R>) => OperatorBody<T>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const body = init(subscriber);
      const subscription = source.subscribe({
        next: (value) => {
          if (subscriber.closed) return;
          try {
            body.next(value);
          } catch (e) {
            subscriber.error(e);
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          if (subscriber.closed) return;
          try {
            body.complete?.();
          } catch (e) {
            subscriber.error(e);
            return;
          }
          if (!subscriber.closed) subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        body.finalize?.();
      };
    });
}
