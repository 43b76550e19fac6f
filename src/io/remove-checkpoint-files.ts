import { rmSync } from 'node:fs';
import { fsyncDirectory } from './fsync-directory.js';

/** Removes a denoise checkpoint and its companion files (and a legacy `.meta.json`). */
export function removeCheckpointFiles(path: string): void {
  for (const p of [path, `${path}.partial`, `${path}.meta.json`]) rmSync(p, { force: true });
  fsyncDirectory(path);
}
