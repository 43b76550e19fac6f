/**
 * Offline render time of the browser node (issue target: a 10 s clip in ≤ 1 s) in headless Chromium
 * (Debian's /usr/bin/chromium via playwright-core): the test harness page renders the 10 s scenes of
 * test/web at 48 kHz through `createDenoiserNode` in an OfflineAudioContext, timed around
 * `startRendering()` (module loading and node creation excluded), `--reps` interleaved repetitions of
 * baseline (the source straight to the destination), 'reference' and 'single'. Prints medians, min–max
 * and the ratio to the baseline of the same run; `--write` puts the table in BENCHMARKS.md.
 * Run: node --import tsx bench/web-render.ts [--reps 7] [--write]
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../scripts/build-web.mjs';
import { launchChromium, serveDir } from '../test/web/chromium.js';
import { writeMarkedSection } from './lib/benchmarks-md.js';

type Mode = 'none' | 'reference' | 'single';
const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 7) || 7;
const SECONDS = 10;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function measure(): Promise<Record<Mode, number[]>> {
  // The bundles go to .tmp/web-bench (git-ignored, overwritten by each run); no HTML file is written: the
  // harness is added to a page of the same origin (http://127.0.0.1 is a secure context, as the AudioWorklet needs).
  const dir = join(fileURLToPath(new URL('..', import.meta.url)), '.tmp', 'web-bench');
  await buildWeb(dir, { extra: { harness: 'test/web/harness.ts' } });
  const served = await serveDir(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(served.url);
    await page.addScriptTag({ url: `${served.url}harness.js`, type: 'module' });
    await page.waitForFunction(() => 'adamaxTest' in globalThis);
    const run = (mode: Mode) =>
      page.evaluate(
        ([m, s]) =>
          (
            globalThis as unknown as { adamaxTest: { renderMs(m: string, s: number): Promise<number> } }
          ).adamaxTest.renderMs(m, s),
        [mode, SECONDS] as const,
      );
    const times: Record<Mode, number[]> = { none: [], reference: [], single: [] };
    for (const mode of ['none', 'reference', 'single'] as const) await run(mode); // warm-up, not counted
    for (let r = 0; r < reps; r++)
      for (const mode of ['none', 'reference', 'single'] as const) times[mode].push(await run(mode));
    return times;
  } finally {
    await browser.close();
    served.server.close();
  }
}

const load0 = loadavg()[0]!;
const times = await measure();
const base = median(times.none);
const rows = (['reference', 'single'] as const).map((m) => {
  const t = times[m];
  const med = median(t);
  return `| \`${m}\` | ${med.toFixed(0)} | ${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)} | ${(med / base).toFixed(1)} | ${med <= 1000 ? 'met' : 'missed'} |`;
});
const md = `## Browser node: offline render of a 10 s clip (bench/web-render.ts)

Command: \`node --import tsx bench/web-render.ts --reps ${reps} --write\`. Headless Chromium (Debian package), OfflineAudioContext at 48 kHz, the 10 s scenes of the browser tests (two microphones / one microphone at 5 dB SNR), default options, reports every 100 ms; time around \`startRendering()\` only; ${reps} interleaved repetitions after one warm-up of each; baseline = the same source rendered straight to the destination (median ${base.toFixed(0)} ms, ${Math.min(...times.none).toFixed(0)}–${Math.max(...times.none).toFixed(0)}). Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), shared, load average ${load0.toFixed(1)} at the start. Target: ≤ 1 s.

| mode | median ms | min–max ms | × baseline | ≤ 1 s |
|---|---|---|---|---|
${rows.join('\n')}
`;
console.log(md);
if (args.includes('--write')) console.log(`wrote ${writeMarkedSection('web-render', md)}`);
