/**
 * writeFileAtomic: the file holds exactly the new bytes (or the UTF-8 of a string) afterwards, no
 * temporary file stays behind, and a failed write leaves the old file as it was and rethrows the
 * original error.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/write-file-atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'adamax-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file with the new bytes or text and leaves no temporary file', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, 'old');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3, 250]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3, 250]);
    writeFileAtomic(path, 'grüße\n');
    expect(readFileSync(path, 'utf8')).toBe('grüße\n');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('rethrows the error of a failed write and keeps the old file', () => {
    const missing = join(dir, 'no-such-dir', 'x.json');
    expect(() => writeFileAtomic(missing, 'x')).toThrow(/ENOENT/);
    const path = join(dir, 'kept.json');
    writeFileSync(path, 'old');
    const sub = join(dir, 'plain-file');
    writeFileSync(sub, '');
    // a path below a regular file cannot be created: the write fails before any rename
    expect(() => writeFileAtomic(join(sub, 'y.json'), 'new')).toThrow(/ENOTDIR/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
