import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { WavEncoding } from './encode-wav.js';
import { writeWavFile } from './write-wav-file.js';

/** Writes a mono or multichannel WAV atomically, creating the folder first. */
export async function writeAudioFile(
  path: string,
  channels: readonly Float32Array[],
  sampleRate: number,
  format: WavEncoding = 'pcm16',
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeWavFile(path, channels, sampleRate, { format });
}
