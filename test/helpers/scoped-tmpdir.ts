/**
 * Points `os.tmpdir()` (the `TMPDIR` variable, read at each call) at a fresh folder for the test
 * file, and removes that folder with everything in it afterwards: code under test that makes its
 * own temporary folders (the samples, the documentation's examples) leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export function useScopedTmpdir(prefix: string): void {
  const saved = process.env.TMPDIR;
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    process.env.TMPDIR = dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });
}
