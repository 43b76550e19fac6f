import { describe, it } from 'vitest';

/** Whether this run is CI (`CI` set to anything but empty, `0` or `false`). */
export const inCi = !!process.env.CI && process.env.CI !== '0' && process.env.CI !== 'false';

/**
 * For `describe.skipIf(skipUnavailable(...))`: true when `reason` says a dependency is missing.
 * Outside CI that is a skip. In CI, where the dependency is provided, a skip would hide a broken
 * install, so a failing test named after the suite is registered as well; pass
 * `requiredInCi = false` only where CI legitimately lacks the dependency (e.g. a Node version).
 */
export function skipUnavailable(suite: string, reason: string | undefined, requiredInCi = true): boolean {
  if (reason === undefined) return false;
  if (inCi && requiredInCi) {
    describe(`${suite} (must run in CI)`, () => {
      it('has its dependency available', () => {
        throw new Error(`${suite} would be skipped in CI, where it must run: ${reason}`);
      });
    });
  }
  return true;
}
