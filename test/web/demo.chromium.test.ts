/**
 * The demo page (samples/web/, `npm run demo`) in headless Chromium with a fake microphone playing a
 * generated WAV (2 s talk spurts of a speech-like signal, 1 s pauses, in white noise at 0 dB SNR):
 * after ~7 s of real-time audio the noise reduction the page shows (level removed while the input is
 * noise alone — the reports of the last 3 s within 1 dB of the quietest, i.e. the pauses) is above
 * 10 dB (the median of the figures shown over the last second), the talk spurts are not removed
 * with the noise (level removed during the loudest reports well under the pauses' figure), every plot
 * has been drawn, and the screenshot is a real image. Skipped, saying why, without /usr/bin/chromium.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../scripts/serve-demo.js';
import { encodeWav, mixAtSnr, noiseCancellationScenario, Random, whiteNoise } from '../../src/index.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { chromiumMissing, launchChromium, serveDir } from './chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'adamax-demo-'));
let server: Server | undefined;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipUnavailable('demo page in headless Chromium', chromiumMissing))(
  'demo page in headless Chromium',
  () => {
    it('fake microphone: noise reduction shown, live plots drawn, screenshot', async () => {
      const sampleRate = 48000;
      // speech-like talk spurts of 2 s separated by 1 s pauses, in white noise
      const clean = noiseCancellationScenario({ sampleRate, seconds: 9, seed: 21 }).clean;
      for (let i = 0; i < clean.length; i++) if ((i / sampleRate) % 3 >= 2) clean[i] = 0;
      const noisy = mixAtSnr(clean, whiteNoise(clean.length, new Random(22)), 0).mixture;
      const wav = join(dir, 'fake-mic.wav');
      writeFileSync(wav, encodeWav([noisy], sampleRate, { format: 'pcm16' }));
      const site = join(dir, 'site');
      await buildDemo(site);
      const served = await serveDir(site);
      server = served.server;
      browser = await launchChromium([
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}`,
      ]);
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(served.url);
      await page.click('#mic');
      await page.waitForFunction(
        () => ((globalThis as unknown as { adamaxDemo: { shown: unknown[] } }).adamaxDemo.shown.length ?? 0) >= 70,
        undefined,
        { timeout: 40_000 },
      );
      const result = await page.evaluate(() => {
        const demo = (
          globalThis as unknown as {
            adamaxDemo: { shown: { inputDb: number; reductionDb: number }[]; noise: number[] };
          }
        ).adamaxDemo;
        const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
        // the loudest third of the last 3 s of reports: talk spurts (the input is 3 dB above the pauses)
        const recent = demo.shown.slice(-30);
        const loud = [...recent].sort((a, b) => b.inputDb - a.inputDb).slice(0, 10);
        const inked = ['levels', 'reductionPlot', 'lr', 'norm'].map((id) => {
          const c = document.getElementById(id) as HTMLCanvasElement;
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
          return n;
        });
        return {
          median: med(demo.noise.slice(-10)),
          text: document.getElementById('reduction')!.textContent,
          last: demo.noise.at(-1)!,
          speech: med(loud.map((r) => r.reductionDb)),
          inked,
          shown: demo.shown.length,
        };
      });
      console.log(
        `demo: noise reduction shown ${result.median.toFixed(1)} dB (median of the last second), removed during talk spurts ${result.speech.toFixed(1)} dB, ${result.shown} reports`,
      );
      expect(errors).toEqual([]);
      expect(result.text).toBe(result.last.toFixed(1));
      expect(result.median).toBeGreaterThan(10);
      expect(result.speech).toBeLessThan(result.median - 5);
      for (const n of result.inked) expect(n).toBeGreaterThan(2000);
      const png = join(dir, 'demo.png');
      await page.screenshot({ path: png, fullPage: true });
      const bytes = readFileSync(png);
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(bytes.length).toBeGreaterThan(20_000);
    }, 90_000);
  },
);
