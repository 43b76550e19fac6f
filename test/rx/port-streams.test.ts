import { describe, expect, it } from 'vitest';
import { AdamaxStreamError } from '../../src/core/errors.js';
import { portStreams } from '../../src/rx/port-streams.js';
import { testScheduler } from './helpers.js';

type Msg = { kind: 'a'; v: number } | { kind: 'b'; v: string } | { kind: 'both'; v: number } | { kind: 'bad' };
type Streams = { a: number; b: string };

function bridge() {
  return portStreams<Streams>(['a', 'b'], (data, emit) => {
    const m = data as Msg;
    if (m.kind === 'a') emit.a(m.v);
    else if (m.kind === 'b') emit.b(m.v);
    else if (m.kind === 'both') {
      emit.a(m.v);
      emit.b(String(m.v));
    } else emit.fail(new AdamaxStreamError('invalid_argument', 'bad message'));
  });
}

describe('portStreams', () => {
  it('routes messages onto the named streams (marbles), completing on complete()', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const p = bridge();
      const port = cold<Msg>('-x-y-z-', {
        x: { kind: 'a', v: 1 },
        y: { kind: 'b', v: 'q' },
        z: { kind: 'both', v: 7 },
      });
      port.subscribe((m) => p.receive(m));
      cold('-------|').subscribe({ complete: () => p.complete() });
      expectObservable(p.streams.a).toBe('-1---7-|', { 1: 1, 7: 7 });
      expectObservable(p.streams.b).toBe('---q-s-|', { q: 'q', s: '7' });
    });
  });

  it('fail() errors every stream once; later messages are dropped', () => {
    const p = bridge();
    const seen: string[] = [];
    p.streams.a.subscribe({ next: (v) => seen.push(`a${v}`), error: (e: Error) => seen.push(`a!${e.message}`) });
    p.streams.b.subscribe({ next: (v) => seen.push(`b${v}`), error: (e: Error) => seen.push(`b!${e.message}`) });
    p.receive({ kind: 'a', v: 1 });
    p.receive({ kind: 'bad' });
    p.receive({ kind: 'a', v: 2 });
    p.fail(new Error('second'));
    p.complete();
    expect(seen).toEqual(['a1', 'a!bad message', 'b!bad message']);
    expect(p.closed).toBe(true);
  });

  it('a throwing router errors every stream (a thrown non-Error is wrapped, with its cause)', () => {
    const p = portStreams<{ a: number }>(['a'], () => {
      throw 'boom';
    });
    let error: unknown;
    p.streams.a.subscribe({ error: (e: unknown) => (error = e) });
    p.receive({});
    expect(error).toBeInstanceOf(AdamaxStreamError);
    expect((error as AdamaxStreamError).code).toBe('invalid_argument');
    expect((error as Error).message).toContain('boom');
    expect((error as Error).cause).toBe('boom');
    const q = portStreams<{ a: number }>(['a'], () => {
      throw new RangeError('range');
    });
    q.streams.a.subscribe({ error: (e: unknown) => (error = e) });
    q.receive({});
    expect(error).toBeInstanceOf(RangeError);
  });

  it('after complete() nothing more is emitted and subscribers see completion', () => {
    const p = bridge();
    const seen: unknown[] = [];
    p.streams.a.subscribe({ next: (v) => seen.push(v), complete: () => seen.push('done') });
    p.receive({ kind: 'a', v: 3 });
    p.complete();
    p.receive({ kind: 'a', v: 4 });
    p.fail(new Error('late'));
    expect(seen).toEqual([3, 'done']);
  });
});
