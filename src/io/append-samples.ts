import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { fsyncDirectory } from './fsync-directory.js';

/** Appends float32 samples to a file, fsyncs it (and its directory when the file is new). */
export function appendSamples(path: string, samples: Float32Array): void {
  const isNew = !existsSync(path);
  const fd = openSync(path, 'a');
  try {
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (isNew) fsyncDirectory(path);
}
