import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { fsyncDirectory } from './fsync-directory.js';

let tempCounter = 0;

/**
 * Writes `data` to `path` atomically and durably (synchronous): the bytes go to a temporary file
 * `<path>.<pid>.<n>.tmp` next to `path`, are flushed (`fsync`), renamed over `path`, and the directory
 * is fsynced so that the new name survives a power loss. A reader (or a crash) sees the old file or
 * the new one, never a partial one. On failure the temporary file is removed and the error is
 * rethrown unchanged (callers wrap it in their own typed error). A string is written as UTF-8.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const temp = `${path}.${process.pid}.${tempCounter++}.tmp`;
  let fd = -1;
  try {
    fd = openSync(temp, 'w');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, path);
    fsyncDirectory(path);
  } catch (cause) {
    try {
      if (fd !== -1) closeSync(fd);
      rmSync(temp, { force: true });
    } catch {
      // nothing more to clean up (e.g. the directory does not exist)
    }
    throw cause;
  }
}
