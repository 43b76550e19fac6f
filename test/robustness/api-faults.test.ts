/**
 * Fault injection on the API: every adversarial call either gives the correct result (and leaves
 * every weight and moment finite) or a typed error with the state byte-for-byte unchanged.
 */
import { describe, expect, it } from 'vitest';
import { apiFaultCases } from './fault-cases.js';

const cases = apiFaultCases();

describe('API fault injection', () => {
  it('has at least 180 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(180);
  });
  it.each(cases.map((c) => [c.case.name, c] as const))('%s', (_name, { case: c, expect: want }) => {
    const r = c.run();
    if (want !== 'either') expect(r.outcome).toBe(want);
    if (r.outcome === 'error') expect(r.after).toBe(r.before);
    expect(r.finite).toBe(true);
    r.check?.();
  });
});
