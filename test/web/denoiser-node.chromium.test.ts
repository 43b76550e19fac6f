/**
 * adamax-stream/web in real headless Chromium: the denoiser node renders the generated scenes in an
 * OfflineAudioContext at 48 kHz (two-microphone: ≥ 15 dB SI-SDR improvement over the second half;
 * single-channel, white noise at 5 dB SNR: ≥ 5 dB) and the stats and snapshot streams report.
 * Render time is printed, not asserted (speed is a benchmark's job). Skipped, saying why, without
 * /usr/bin/chromium.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { chromiumMissing, launchChromium, serveDir } from './chromium.js';
import type { SceneResult } from './harness.js';

const SECONDS = 10;

describe.skipIf(skipUnavailable('createDenoiserNode in headless Chromium', chromiumMissing))(
  `createDenoiserNode in headless Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'adamax-web-'));
    let server: Server;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      await buildWeb(dir, { extra: { harness: 'test/web/harness.ts' } });
      writeFileSync(
        join(dir, 'index.html'),
        '<!doctype html><meta charset="utf-8"><script type="module" src="harness.js"></script>',
      );
      const served = await serveDir(dir);
      server = served.server;
      browser = await launchChromium();
      page = await browser.context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(served.url);
      await page.waitForFunction(() => 'adamaxTest' in globalThis);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const run = (mode: 'reference' | 'single', model?: 'prior' | 'online') =>
      page.evaluate(
        ([m, s, o]) =>
          (
            globalThis as unknown as {
              adamaxTest: { runScene(m: string, s: number, o?: string): Promise<SceneResult> };
            }
          ).adamaxTest.runScene(m, s, o ?? undefined),
        [mode, SECONDS, model ?? null] as const,
      );

    it('two-microphone scene: ≥ 15 dB SI-SDR improvement over the second half of 10 s', async () => {
      const r = await run('reference');
      console.log(
        `web reference: SI-SDR ${r.input.toFixed(2)} → ${r.output.toFixed(2)} dB (+${r.improvement.toFixed(2)}), ${SECONDS} s rendered in ${r.renderMs.toFixed(0)} ms`,
      );
      expect(errors).toEqual([]);
      expect(r.improvement).toBeGreaterThanOrEqual(15);
      expect(r.reports).toBeGreaterThanOrEqual(SECONDS * 10 - 2);
      expect(r.snapshots).toBe(r.reports);
      expect(r.lastStats!.reductionDb).toBeGreaterThan(10);
      expect(r.lastStats!.weightNorm).toBeGreaterThan(0);
      expect(r.lastStats!.learningRate).toBeGreaterThan(0);
    }, 60_000);

    it.each([
      ['default (the speech prior, as denoise)', undefined],
      ["model 'online' (the prior-free denoiser)", 'online'],
    ] as const)(
      'single-channel scene (white noise, 5 dB SNR), %s: ≥ 5 dB SI-SDR improvement',
      async (_label, model) => {
        const r = await run('single', model);
        console.log(
          `web single ${model ?? 'default'}: SI-SDR ${r.input.toFixed(2)} → ${r.output.toFixed(2)} dB (+${r.improvement.toFixed(2)}), ${SECONDS} s rendered in ${r.renderMs.toFixed(0)} ms`,
        );
        expect(errors).toEqual([]);
        expect(r.improvement).toBeGreaterThanOrEqual(5);
        expect(r.reports).toBeGreaterThanOrEqual(SECONDS * 10 - 2);
      },
      60_000,
    );
  },
);
