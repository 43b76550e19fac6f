/**
 * The HTML report's charts: gaps in the data are marked (shaded band, no bridging line), legends sit
 * above the plot area, the noise-change marks appear on every time axis (per-step charts too), the
 * loss is smoothed with the raw loss faint behind it, the learning rate is on a log axis, and the
 * charts scale with the page.
 */
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/render-html-report.js';
import type { RunReport } from '../../src/report/run-report.js';

const steps = Array.from({ length: 400 }, (_, i) => i + 1);
const report: RunReport = {
  title: 't',
  createdAt: 'now',
  command: 'adamax-stream denoise x.wav',
  input: { file: 'x.wav', sampleRate: 16000, durationSec: 4, channels: 1 },
  mode: 'single',
  settings: {},
  summary: {},
  changeTimes: [2],
  quality: { x: [0.5, 1, 1.5, 2, 2.5, 3, 3.5], lines: { 'SI-SDR in': [1, 2, Number.NaN, Number.NaN, 3, 4, 5] } },
  levels: { x: [0.5, 1, 1.5, 2, 2.5, 3, 3.5], lines: { input: [-20, -21, -22, -20, -19, -18, -20] } },
  loss: { x: steps, lines: { loss: steps.map((i) => 1 / i + (i % 7) * 0.01) } },
  learningRate: { x: steps, lines: { lr: steps.map((i) => 0.005 * (1 + 15 * Math.exp(-i / 50))) } },
  weightNorm: { x: steps, lines: { raw: steps.map((i) => Math.sqrt(i)) } },
};

const svgs = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

describe('HTML report charts', () => {
  const html = renderHtmlReport(report);

  it('marks a gap instead of bridging it', () => {
    const quality = svgs(html).find((s) => s.includes('aria-label="Quality over time"'))!;
    expect(quality).toMatch(/class="gap"/);
    expect((quality.match(/<polyline/g) ?? []).length).toBe(2); // two runs, no line across the gap
  });

  it('puts the change marks on every time axis, per-step charts included', () => {
    for (const s of svgs(html)) expect(s, s.slice(0, 120)).toMatch(/<title>change at /);
  });

  it('keeps legends above the plot area', () => {
    for (const s of svgs(html)) {
      const plotTop = Number(/<rect x="[\d.]+" y="([\d.]+)"[^>]*fill="#fafafa"/.exec(s)![1]);
      for (const m of s.matchAll(
        /<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="[\d.]+" stroke="[^"]+" stroke-width="3"/g,
      )) {
        expect(Number(m[1])).toBeLessThan(plotTop);
      }
    }
  });

  it('smooths the loss with the raw loss faint behind, and puts the learning rate on a log axis', () => {
    const loss = svgs(html).find((s) => s.includes('aria-label="Loss per step"'))!;
    expect(loss).toContain('loss (raw)');
    expect(loss).toContain('loss (smoothed)');
    expect(loss).toMatch(/stroke-opacity="0.25"/);
    const lr = svgs(html).find((s) => s.includes('Learning rate per step (log axis)'))!;
    const ticks = [...lr.matchAll(/text-anchor="end" dominant-baseline="middle">([^<]+)</g)].map((m) => Number(m[1]));
    expect(ticks.length).toBeGreaterThan(1);
    const ratios = ticks.slice(1).map((t, i) => t / ticks[i]!);
    expect(Math.max(...ratios) / Math.min(...ratios)).toBeGreaterThan(1.2); // not evenly spaced in value: a log axis
  });

  it('scales with the page and uses readable text', () => {
    for (const s of svgs(html)) {
      expect(s).toMatch(/style="width:100%;height:auto/);
      expect(s).toMatch(/font-size="14"/);
    }
  });
});
