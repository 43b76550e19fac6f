import { type Observable, Subject } from 'rxjs';
import { AdamaxStreamError } from '../core/errors.js';

/** The Observable type of the streams (re-exported so that callers outside src/rx need no rxjs import). */
export type { Observable } from 'rxjs';

/** One emitter per stream, plus `fail`, handed to the router of {@link portStreams}. */
export type PortEmitters<S extends Record<string, unknown>> = {
  readonly [K in keyof S]: (value: S[K]) => void;
} & {
  /** Errors every stream with `error` (the first failure wins; later messages are ignored). */
  readonly fail: (error: Error) => void;
};

/** The streams fed by one message port, and the handles the port's owner drives them with. */
export interface PortStreams<S extends Record<string, unknown>> {
  /** One hot Observable per stream name: values routed after subscription only (no replay). */
  readonly streams: { readonly [K in keyof S]: Observable<S[K]> };
  /** Routes one message's data (call it from the port's `onmessage`). Ignored once closed. */
  receive(data: unknown): void;
  /** Errors every stream with `error` (once; nothing is routed afterwards). */
  fail(error: Error): void;
  /** Completes every stream (once; nothing is routed afterwards). */
  complete(): void;
  /** True after {@link fail} or {@link complete}. */
  readonly closed: boolean;
}

/**
 * The bridge from a message port (an `AudioWorkletNode`'s, a `Worker`'s) to RxJS: messages are
 * routed by `route` onto named hot streams. The port itself is not touched here — its owner calls
 * `receive(event.data)` from `onmessage` — so the bridge has no DOM or Node type and runs anywhere.
 *
 * - `route(data, emit)` is called once per message; it may emit on any stream, on several, or
 *   none, or call `emit.fail(error)`.
 * - If `route` throws, every stream errors with what it threw (a thrown non-`Error` is wrapped in an
 *   `AdamaxStreamError` whose `cause` it is): a bad message never fails silently.
 * - After `fail` or `complete` every further message is dropped and every stream is closed, so a
 *   late message from the port cannot reach a subscriber after the end.
 *
 * ```
 * port:    --r1--r2--x--|complete()
 * stats:   --s1--s2-----|
 * (with route: r → stats.next(s), x → nothing)
 * ```
 *
 * @param names the stream names (the keys of `S`).
 * @param route maps one message to emissions.
 */
export function portStreams<S extends Record<string, unknown>>(
  names: readonly (keyof S & string)[],
  route: (data: unknown, emit: PortEmitters<S>) => void,
): PortStreams<S> {
  const subjects = new Map<keyof S, Subject<unknown>>();
  for (const name of names) subjects.set(name, new Subject<unknown>());
  let closed = false;
  const fail = (error: Error): void => {
    if (closed) return;
    closed = true;
    for (const s of subjects.values()) s.error(error);
  };
  const emit = { fail } as Record<string, unknown>;
  for (const [name, subject] of subjects) {
    emit[name as string] = (value: unknown) => {
      if (!closed) subject.next(value);
    };
  }
  const emitters = emit as PortEmitters<S>;
  const streams = {} as Record<string, Observable<unknown>>;
  for (const [name, subject] of subjects) streams[name as string] = subject.asObservable();
  return {
    streams: streams as PortStreams<S>['streams'],
    receive(data: unknown): void {
      if (closed) return;
      try {
        route(data, emitters);
      } catch (thrown) {
        fail(
          thrown instanceof Error
            ? thrown
            : new AdamaxStreamError(
                'invalid_argument',
                `The port message router threw a non-Error: ${String(thrown)}.`,
                {
                  cause: thrown,
                },
              ),
        );
      }
    },
    fail,
    complete(): void {
      if (closed) return;
      closed = true;
      for (const s of subjects.values()) s.complete();
    },
    get closed() {
      return closed;
    },
  };
}
