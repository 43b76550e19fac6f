import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/decode-audio-file.js';
import { parseWavHeader } from '../../src/audio/parse-wav-header.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { webAudioUnavailableReason } from './web-audio-unavailable-reason.js';

const folder = fileURLToPath(new URL('../fixtures/speech/', import.meta.url));
const files = (await readdir(folder)).filter((f) => f.endsWith('.wav')).sort();

describe('speech fixtures (test/fixtures/speech)', () => {
  it('there are at least 8 of them, with a README, under 1.2 MB in total', async () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    const all = await readdir(folder);
    expect(all).toContain('README.md');
    let total = 0;
    for (const f of all) total += (await stat(join(folder, f))).size;
    expect(total).toBeLessThan(1_200_000);
  });

  describe.skipIf(skipUnavailable('speech fixtures decode', webAudioUnavailableReason))(
    `decode${webAudioUnavailableReason ? ` (skipped: ${webAudioUnavailableReason})` : ''}`,
    () => {
      it.each(files)('%s: 16 kHz mono 16-bit PCM, 2-7 s, not silent, not clipped', async (file) => {
        const path = join(folder, file);
        const header = parseWavHeader(await readFile(path), { file: path, requireWav: true })!;
        expect(header).toMatchObject({
          format: 'pcm',
          bitsPerSample: 16,
          channels: 1,
          sampleRate: 16000,
          truncated: false,
        });

        const audio = await decodeAudioFile(path);
        expect(audio.sampleRate).toBe(16000);
        expect(audio.channels).toHaveLength(1);
        expect(audio.frames).toBe(header.frames);
        const seconds = audio.frames / audio.sampleRate;
        expect(seconds).toBeGreaterThanOrEqual(2);
        expect(seconds).toBeLessThanOrEqual(7);

        const x = audio.channels[0];
        let sum = 0;
        let peak = 0;
        for (const v of x) {
          sum += v * v;
          peak = Math.max(peak, Math.abs(v));
        }
        const rmsDb = 10 * Math.log10(sum / x.length);
        // Normalised to about -20 dBFS RMS (lower only when the -1 dBFS peak ceiling bound).
        expect(rmsDb).toBeGreaterThan(-24);
        expect(rmsDb).toBeLessThan(-19);
        expect(peak).toBeLessThan(0.95);
      });
    },
  );
});
