/**
 * Functions fit a screen: no function, method, constructor or arrow function in src/ is longer than
 * 80 lines (the scan of scripts/long-functions.ts), except the entries of KNOWN_LONG below. Each entry
 * names the function and says why it is still long; an entry whose function has been split (or
 * has moved) fails the test too, so the list can only shrink.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { longFunctions } from '../../scripts/long-functions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIMIT = 80;

/** `path name` → why it is still over the limit. Shrink only. */
const KNOWN_LONG: Readonly<Record<string, string>> = {};

describe('function length in src/', () => {
  const found = longFunctions(`${ROOT}src`, LIMIT).map((f) => ({
    ...f,
    key: `${f.path.slice(ROOT.length)} ${f.name}`,
  }));

  it('the scan sees long functions (it would find one over the limit)', () => {
    // A limit of 20 lines must find plenty: the scanner works on this tree.
    expect(longFunctions(`${ROOT}src`, 20).length).toBeGreaterThan(20);
  });

  it(`no function is longer than ${LIMIT} lines, except the listed ones`, () => {
    const unexpected = found.filter((f) => !(f.key in KNOWN_LONG)).map((f) => `${f.key} (${f.lines} lines)`);
    expect(unexpected).toEqual([]);
  });

  it('every listed exception is still long (the list only shrinks)', () => {
    const stale = Object.keys(KNOWN_LONG).filter((k) => !found.some((f) => f.key === k));
    expect(stale).toEqual([]);
  });
});
