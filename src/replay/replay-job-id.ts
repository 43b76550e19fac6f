import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { DatasetItem } from '../io/list-dataset.js';
import type { ReplayItemSettings } from './replay-item-settings.js';

function hashFile(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  return new Promise((done, fail) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done())
      .on('error', fail);
  });
}

/**
 * The job id of a file: SHA-256 over its input files' bytes and the settings (output folder,
 * methods), so the same work always has the same id. An unreadable input hashes its error text:
 * the job then fails with that error on a worker, once.
 */
export async function replayJobId(item: DatasetItem, settings: ReplayItemSettings): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ name: item.name, settings }));
  for (const path of [item.noisy, item.clean, item.reference]) {
    hash.update(`\u0000${path === undefined ? '-' : 'file'}\u0000`);
    if (path === undefined) continue;
    try {
      await hashFile(hash, path);
    } catch (e) {
      hash.update(`unreadable: ${(e as Error).message}`);
    }
  }
  return `f-${hash.digest('hex').slice(0, 40)}`;
}
