import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive } from './file-lock.js';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes the temporary files that writers of `path` left behind when their process died:
 * `<name>.<pid>.<anything>.tmp` and `<name>.<pid>.tmp` next to `path`, where no process `<pid>` runs
 * any more (files of live processes, e.g. a concurrent writer, are kept). Returns the removed names.
 */
export function cleanStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const re = new RegExp(`^${escapeRegExp(basename(path))}(?:\\.[a-z.]+)?\\.(\\d+)(?:\\.[^/]*)?\\.tmp$`);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
