import { Observable, type OperatorFunction, Subscriber } from 'rxjs';

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
 * The subscriber an operator puts on its source: a `Subscriber` subclass (as RxJS's own
 * `OperatorSubscriber`), so that `source.subscribe` uses it as is — no `SafeSubscriber` and
 * partial-observer wrapper per value on the hot path.
 */
class BodySubscriber<T, R> extends Subscriber<T> {
  constructor(
    private readonly out: Subscriber<R>,
    private readonly body: OperatorBody<T>,
  ) {
    super();
  }

  protected override _next(value: T): void {
    const out = this.out;
    if (out.closed) return;
    try {
      this.body.next(value);
    } catch (e) {
      out.error(e);
    }
  }

  protected override _error(e: unknown): void {
    try {
      this.out.error(e);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    const out = this.out;
    try {
      if (out.closed) return;
      try {
        this.body.complete?.();
      } catch (e) {
        out.error(e);
        return;
      }
      if (!out.closed) out.complete();
    } finally {
      this.unsubscribe();
    }
  }
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
      const subscription = source.subscribe(new BodySubscriber(subscriber, body));
      return () => {
        subscription.unsubscribe();
        body.finalize?.();
      };
    });
}
