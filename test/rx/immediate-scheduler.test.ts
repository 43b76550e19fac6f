import { describe, expect, it } from 'vitest';
import { immediateScheduler } from '../../src/rx/internal/immediate-scheduler.js';

describe('immediateScheduler (the default pacing of replayFrames and live queues)', () => {
  it('runs zero-delay work as a macrotask: after the current task and its microtasks, rescheduling from inside', async () => {
    const log: string[] = [];
    let n = 0;
    const done = new Promise<void>((resolve) => {
      immediateScheduler.schedule(function work() {
        log.push(`run${n}`);
        if (++n < 3) this.schedule();
        else resolve();
      });
    });
    log.push('sync');
    await Promise.resolve();
    log.push('microtask');
    await done;
    expect(log).toEqual(['sync', 'microtask', 'run0', 'run1', 'run2']);
  });

  it('lets timers run between rescheduled tasks (no starvation) and stops when unsubscribed', async () => {
    // A timer armed from inside a chain that reschedules itself forever must fire (the test would
    // time out on starvation); its callback unsubscribes the chain, which then runs at most once more.
    // Nothing here depends on how fast the machine is.
    let runs = 0;
    let at = -1;
    const stopped = new Promise<void>((resolve) => {
      const sub = immediateScheduler.schedule(function work() {
        runs++;
        if (runs === 2) {
          setTimeout(() => {
            at = runs;
            sub.unsubscribe();
            resolve();
          }, 2);
        }
        this.schedule();
      });
    });
    await stopped;
    expect(at).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBeLessThanOrEqual(at + 1);
    const cancelled = immediateScheduler.schedule(() => {
      throw new Error('must not run');
    });
    cancelled.unsubscribe();
    await new Promise((r) => setTimeout(r, 2));
  });
});
