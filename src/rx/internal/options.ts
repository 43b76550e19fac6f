import type { IssueCollector } from '../../core/validate.js';
import { pyRepr } from '../../core/validate.js';

/** Adds a problem to `c` unless `value` is absent or an RxJS `SchedulerLike` (has `schedule` and `now`). */
export function checkScheduler(value: unknown, c: IssueCollector): void {
  if (value === undefined) return;
  const s = value as { schedule?: unknown; now?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.schedule !== 'function' || typeof s.now !== 'function') {
    c.add('scheduler', `\`scheduler\` must be an RxJS SchedulerLike. Received: scheduler=${pyRepr(value)}`);
  }
}
