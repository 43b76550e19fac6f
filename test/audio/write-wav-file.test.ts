import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/encode-wav.js';
import { writeWavFile } from '../../src/audio/write-wav-file.js';
import { AdamaxStreamError, ShapeError } from '../../src/core/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adamax-wav-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tone = Float32Array.from({ length: 800 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));

describe('writeWavFile', () => {
  it('writes exactly the encodeWav bytes and leaves no temporary file', async () => {
    const path = join(dir, 'out.wav');
    await writeWavFile(path, [tone], 16000, { format: 'pcm16' });
    expect(new Uint8Array(await readFile(path))).toEqual(encodeWav([tone], 16000, { format: 'pcm16' }));
    expect(await readdir(dir)).toEqual(['out.wav']);
  });

  it('replaces an existing file atomically (old content or new, never partial)', async () => {
    const path = join(dir, 'out.wav');
    await writeFile(path, 'old content');
    await writeWavFile(path, [tone, tone], 16000, { format: 'float32' });
    expect(new Uint8Array(await readFile(path))).toEqual(encodeWav([tone, tone], 16000, { format: 'float32' }));
    expect(await readdir(dir)).toEqual(['out.wav']);
  });

  it('fails with code io naming the path when the folder does not exist, and leaves nothing behind', async () => {
    const path = join(dir, 'missing', 'out.wav');
    const error = await writeWavFile(path, [tone], 16000, { format: 'pcm16' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdamaxStreamError);
    expect((error as AdamaxStreamError).code).toBe('io');
    expect((error as Error).message).toContain(path);
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the temporary file when the final rename fails (target is a directory)', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'x');
    const error = await writeWavFile(path, [tone], 16000, { format: 'pcm16' }).catch((e: unknown) => e);
    expect((error as AdamaxStreamError).code).toBe('io');
    expect((error as Error).message).toMatch(/Cannot write WAV file .*taken/);
    expect((await readdir(dir)).sort()).toEqual(['taken']);
    expect(await readdir(path)).toEqual(['keep']);
  });

  it('validates before touching the file system', async () => {
    const path = join(dir, 'bad.wav');
    await expect(
      writeWavFile(path, [new Float32Array(2), new Float32Array(3)], 16000, { format: 'pcm16' }),
    ).rejects.toThrow(ShapeError);
    expect(await readdir(dir)).toEqual([]);
  });
});
