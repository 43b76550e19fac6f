import { closeSync, linkSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { AdamaxStreamError } from '../core/errors.js';

/** Who holds a lock (the content of the lock file). */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** Another live process holds the lock: the message names it. */
export class FileLockedError extends AdamaxStreamError {
  readonly holder: LockHolder | null;
  constructor(path: string, holder: LockHolder | null) {
    super(
      'io',
      holder
        ? `${path} is locked by process ${holder.pid} on host ${holder.host} (since ${holder.since}): another run uses the same checkpoint. Wait for it to finish, or use another --checkpoint path. If that process is gone, delete ${path}.lock.`
        : `${path} is locked (${path}.lock exists but cannot be read): another run may be starting. Retry, or delete ${path}.lock if no other run uses it.`,
    );
    this.holder = holder;
  }
}

/** Whether process `pid` runs on this host (signal 0: EPERM means it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockPath: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string') {
      return { pid: h.pid, host: h.host, since: String(h.since ?? '?') };
    }
  } catch {
    // half-written or foreign: treated as held by an unknown process
  }
  return null;
}

/** Creates `lockPath` with `content` with O_EXCL semantics; `false` if it already exists. */
function createExclusive(lockPath: string, content: string): boolean {
  // The content goes to a private temporary file first, which is then hard-linked to the lock name
  // (atomic, fails if the name exists): a process killed at any moment leaves no empty or half-written
  // lock file. File systems without hard links fall back to `open(O_EXCL)` and a write.
  const temp = `${lockPath}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, content);
    linkSync(temp, lockPath);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  } finally {
    rmSync(temp, { force: true });
  }
  let fd = -1;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * An exclusive lock on `path`: the file `<path>.lock`, created atomically (never seen empty) and
 * holding `{ pid, host, since }`. A lock left by a dead process of this host is stale and taken over; a
 * live holder (or one on another host, which cannot be checked) makes this throw
 * {@link FileLockedError} naming it. `release()` removes the lock file (idempotent).
 */
export function acquireFileLock(path: string): { readonly lockPath: string; release(): void } {
  const lockPath = `${path}.lock`;
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let created: boolean;
    try {
      created = createExclusive(lockPath, `${JSON.stringify(me)}\n`);
    } catch (e) {
      throw new AdamaxStreamError('io', `Cannot create the lock file ${lockPath}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (!created) {
      const holder = readHolder(lockPath);
      const stale = holder !== null && holder.host === me.host && holder.pid !== me.pid && !processAlive(holder.pid);
      if (stale && attempt === 0) {
        rmSync(lockPath, { force: true });
        continue;
      }
      throw new FileLockedError(path, holder);
    }
    let held = true;
    return {
      lockPath,
      release() {
        if (!held) return;
        held = false;
        const h = readHolder(lockPath);
        if (h && h.pid === me.pid && h.host === me.host) rmSync(lockPath, { force: true });
      },
    };
  }
  throw new FileLockedError(path, readHolder(lockPath));
}
