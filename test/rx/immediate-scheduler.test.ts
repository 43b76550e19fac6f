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
    let runs = 0;
    let timerFired = false;
    const sub = immediateScheduler.schedule(function work() {
      runs++;
      if (!timerFired) this.schedule();
    });
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        timerFired = true;
        resolve();
      }, 5),
    );
    expect(runs).toBeGreaterThan(1);
    const at = runs;
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBeLessThanOrEqual(at + 1);
    const cancelled = immediateScheduler.schedule(() => {
      throw new Error('must not run');
    });
    cancelled.unsubscribe();
    await new Promise((r) => setTimeout(r, 2));
  });
});
