import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * fsyncs the directory holding `path`, so that a rename or unlink of `path` survives a power loss
 * (the data of a renamed file is durable after its own fsync; its *name* only after the directory's).
 * Platforms that cannot open a directory for syncing (Windows) are skipped silently: there the
 * rename itself is the durable operation.
 */
export function fsyncDirectory(path: string): void {
  let fd = -1;
  try {
    fd = openSync(dirname(path), 'r');
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    if (fd !== -1) closeSync(fd);
  }
}
