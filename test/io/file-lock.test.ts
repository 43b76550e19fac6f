/**
 * acquireFileLock under SIGKILL: a child process acquires and releases the lock in a tight loop and is
 * killed at random moments. After each kill the lock file is absent or names its (dead) holder — never
 * empty or half-written — so the next run takes it over without manual action; the temporary file of a
 * killed writer is removed by cleanStaleTemps. The old `open(O_EXCL)` + write scheme fails this test:
 * a kill between the two leaves an empty lock that blocks every later run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanStaleTemps } from '../../src/io/clean-stale-temps.js';
import { acquireFileLock, FileLockedError } from '../../src/io/file-lock.js';

const root = resolve(import.meta.dirname, '..', '..');
let dir = '';
let looper = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-lock-'));
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const entry = join(dir, 'loop.ts');
  writeFileSync(
    entry,
    `import { acquireFileLock } from ${JSON.stringify(join(root, 'src', 'io', 'file-lock.ts'))};
const path = process.argv[2];
process.stdout.write('ready\\n');
for (;;) { try { acquireFileLock(path).release(); } catch { /* held by the test: try again */ } }
`,
  );
  looper = join(root, '.tmp', `lock-loop-${process.pid}.mjs`);
  execFileSync(join(root, 'node_modules', '.bin', 'esbuild'), [
    entry,
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outfile=${looper}`,
    '--log-level=warning',
  ]);
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(looper, { force: true });
});

function startLooper(path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [looper, path], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((res) => child.stdout!.once('data', () => res(child)));
}

describe('acquireFileLock', () => {
  it('leaves no empty or half-written lock when its process is killed at any moment (40 SIGKILLs)', async () => {
    const path = join(dir, 'state.ck');
    for (let k = 0; k < 40; k++) {
      const child = await startLooper(path);
      await new Promise((r) => setTimeout(r, 2 + ((k * 7) % 23)));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      if (existsSync(`${path}.lock`)) {
        const holder = JSON.parse(readFileSync(`${path}.lock`, 'utf8')) as { pid: number };
        expect(holder.pid).toBe(child.pid);
      }
      // the next run takes a dead process's lock over, and cleans that process's temporary file
      const lock = acquireFileLock(path);
      cleanStaleTemps(path);
      lock.release();
      expect(readdirSync(dir).filter((f) => f.startsWith('state.ck'))).toEqual([]);
    }
  }, 120_000);

  it('refuses a lock held on another host (which cannot be checked), naming its holder', () => {
    const path = join(dir, 'held.ck');
    const lock = acquireFileLock(path);
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: 'elsewhere', since: 'then' }));
    expect(() => acquireFileLock(path)).toThrow(FileLockedError);
    expect(() => acquireFileLock(path)).toThrow(/locked by process \d+ on host elsewhere/);
    rmSync(`${path}.lock`);
    lock.release();
  });
});
