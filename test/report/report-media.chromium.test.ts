/**
 * The report's media in headless Chromium (Debian's /usr/bin/chromium via playwright-core): a report of
 * a 16 s clip at 48 kHz with a change at 9 s, opened from file://. Both players load their embedded
 * WAV and report a duration of 10 s (the excerpt, not the clip), and the three spectrogram PNGs decode
 * to images of the grid's size. Skipped, saying why, without /usr/bin/chromium.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { renderHtmlReport } from '../../src/report/render-html-report.js';
import { whiteNoise } from '../../src/signal/white-noise.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { chromiumMissing, launchChromium } from '../web/chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'adamax-report-media-'));
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipUnavailable('report media in headless Chromium', chromiumMissing))(
  'report media in headless Chromium',
  () => {
    it('players load a 10 s excerpt; spectrogram images decode', async () => {
      const rate = 48000;
      const n = 16 * rate;
      const input = whiteNoise(n, new Random(3));
      for (let i = 0; i < n; i++) input[i]! *= i < 9 * rate ? 0.05 : 0.3;
      const output = input.map((v) => v * 0.1);
      const html = renderHtmlReport(
        {
          title: 'media',
          createdAt: 'now',
          command: 'test',
          input: { file: 'x.wav', sampleRate: rate, durationSec: 16, channels: 1 },
          mode: 'single-channel',
          settings: {},
          summary: {},
          changeTimes: [9],
        },
        { sampleRate: rate, input, output },
      );
      const file = join(dir, 'report.html');
      writeFileSync(file, html);
      browser = await launchChromium();
      const page = await browser.context.newPage();
      await page.goto(pathToFileURL(file).href);
      const result = await page.evaluate(async () => {
        const durations = await Promise.all(
          Array.from(document.querySelectorAll('audio')).map(
            (a) =>
              new Promise<number>((resolve, reject) => {
                a.onloadedmetadata = () => resolve(a.duration);
                a.onerror = () => reject(new Error(`audio ${a.id} failed to load`));
                a.preload = 'metadata';
                a.load();
              }),
          ),
        );
        const images = await Promise.all(
          Array.from(document.querySelectorAll('image.spectrogram')).map(async (el) => {
            const img = new Image();
            img.src = el.getAttribute('href')!;
            await img.decode();
            return [img.naturalWidth, img.naturalHeight];
          }),
        );
        return { durations, images };
      });
      expect(result.durations).toHaveLength(2);
      for (const d of result.durations) expect(d).toBeCloseTo(10, 2);
      expect(result.images).toHaveLength(3);
      for (const [w, h] of result.images) {
        expect(w).toBeGreaterThan(300);
        expect(h).toBe(128);
      }
    }, 90_000);
  },
);
