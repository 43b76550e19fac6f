/**
 * The two-path reference canceller's `process()` allocates nothing in the steady state: each design
 * runs in a fresh Node process with a 1 MB young generation (reference-canceller-alloc-child.ts),
 * 48 kHz, 128-sample blocks, 64 ms filter, a scene whose level, colour and path change (copies,
 * resets and the gate all run). Allocation-free = a window of 33 750 blocks with no scavenge and
 * < 4 B of heap growth per block (any per-block object is ≥ 12 B). Calibrated: the same loop plus
 * one escaping Float32Array(16) per block must be caught. The same holds with two or three cancellers
 * in one realm, each processing every block in turn: their shared call sites then see several
 * instances of the kernels (a wasm call site goes megamorphic), and a double passed through such a
 * call would be boxed; the kernels take only integers (their scalars are read from memory), so
 * nothing is. Holds on Node 20, 22 and 24 (run by hand with the other Node's binary).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

interface Probe {
  readonly cancellers: number;
  readonly bytesPerBlock: number | null;
  readonly finite: boolean;
  readonly copies: number;
  readonly backgroundResets: number;
  readonly gated: number;
}

function probe(mode: string, cancellers = 1): Probe {
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-semi-space-size=1',
      '--import',
      'tsx',
      join(here, 'reference-canceller-alloc-child.ts'),
      mode,
      '10',
      String(cancellers),
    ],
    { encoding: 'utf8', timeout: 170_000 },
  );
  expect(child.status, child.stderr).toBe(0);
  const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Probe;
  expect(r.cancellers).toBe(cancellers);
  return r;
}

/** Every path of the two-path logic ran in the measured loop, and nothing was allocated per block. */
function expectAllocationFree(mode: string, r: Probe): void {
  expect(r.finite).toBe(true);
  expect(r.copies, JSON.stringify(r)).toBeGreaterThan(0);
  expect(r.gated, JSON.stringify(r)).toBeGreaterThan(0);
  if (mode !== 'copy') expect(r.backgroundResets, JSON.stringify(r)).toBeGreaterThan(0);
  expect(r.bytesPerBlock, JSON.stringify(r)).not.toBeNull();
  expect(r.bytesPerBlock!, JSON.stringify(r)).toBeLessThan(4);
}

describe('ReferenceCanceller allocation (child process, calibrated)', () => {
  it.each(['learner', 'ema', 'copy', 'convex'] as const)(
    'two-path, foreground %s: process() allocates nothing in the steady state',
    (mode) => expectAllocationFree(mode, probe(mode)),
    180_000,
  );

  it.each([
    ['learner', 2],
    ['ema', 2],
    ['copy', 2],
    ['convex', 2],
    ['learner', 3],
  ] as const)(
    'foreground %s, %i cancellers in one realm processing in turn: nothing allocated',
    (mode, count) => expectAllocationFree(mode, probe(mode, count)),
    180_000,
  );

  it.each([1, 2])(
    'the probe catches one small allocation per block (%i cancellers)',
    (count) => {
      const r = probe('control', count);
      expect(r.bytesPerBlock === null || r.bytesPerBlock >= 16, JSON.stringify(r)).toBe(true);
    },
    180_000,
  );
});
