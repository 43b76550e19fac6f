import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AdamaxStreamError } from '../core/errors.js';
import { fsyncDirectory } from '../io/fsync-directory.js';
import { type EncodeWavOptions, encodeWav } from './encode-wav.js';

/**
 * Encodes planar channels as WAV (see {@link encodeWav}) and writes the file atomically: the bytes go
 * to a temporary file in the same folder (`<name>.<pid>.<random>.tmp`), which is fsynced and then
 * renamed over `path`. Readers therefore see either the old file or the complete new one, never a
 * partial WAV. On any failure the temporary file is removed.
 *
 * @param path destination file; its folder must exist.
 * @param channels one Float32Array per channel, all the same length.
 * @param sampleRate frames per second, a positive integer.
 * @param options `{ format: 'pcm16' | 'float32' }`.
 * @returns resolves once the file is in place.
 * @throws {ShapeError | InvalidOptionError} (as a rejection) bad channels, rate or format; nothing is written.
 * @throws {AdamaxStreamError} (as a rejection) with `code: 'io'` naming `path` when writing fails; the
 *   file-system error is kept in `cause`.
 *
 * @example
 * await writeWavFile('out/clean.wav', [denoised], 16000, { format: 'pcm16' });
 */
export async function writeWavFile(
  path: string,
  channels: readonly Float32Array[],
  sampleRate: number,
  options: EncodeWavOptions,
): Promise<void> {
  const bytes = encodeWav(channels, sampleRate, options);
  const tmp = join(dirname(path), `${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(tmp, 'wx');
    created = true;
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    // The rename is durable only once the directory is synced.
    fsyncDirectory(path);
  } catch (cause) {
    if (created) await rm(tmp, { force: true }).catch(() => undefined);
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new AdamaxStreamError('io', `Cannot write WAV file ${path}: ${detail}`, { cause });
  }
}
