import { audioPlayers } from './audio-players.js';
import { escapeXml as esc } from './escape-xml.js';
import type { ReportAudio, ReportSeries, RunReport } from './run-report.js';
import { spectrogramFigures } from './spectrogram-figures.js';
import { type ChartSeries, svgLineChart } from './svg-line-chart.js';

const fmtValue = (v: unknown): string => {
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(5))) : String(v);
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
};

function chart(
  title: string,
  s: ReportSeries | undefined,
  xLabel: string,
  yLabel: string,
  marks: readonly number[],
  extra: {
    logY?: boolean;
    xDomain?: readonly [number, number];
    only?: (name: string) => boolean;
    /** Draw each line smoothed (EMA over ≈ 1/50 of the points) with the raw values faint behind it. */
    smooth?: boolean;
  } = {},
): string {
  if (!s || s.x.length === 0) return '';
  const series: ChartSeries[] = Object.entries(s.lines)
    .filter(([name]) => (extra.only ? extra.only(name) : true))
    .flatMap(([name, y], k): ChartSeries[] => {
      if (!extra.smooth) return [{ name, x: s.x, y }];
      const color = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'][k % 4]!;
      return [
        { name: `${name} (raw)`, x: s.x, y, color, opacity: 0.25, strokeWidth: 1 },
        { name: `${name} (smoothed)`, x: s.x, y: smoothed(y, Math.max(2, y.length / 50)), color },
      ];
    });
  if (series.length === 0) return '';
  return `<figure>${svgLineChart({
    title,
    series,
    xLabel,
    yLabel,
    marks,
    logY: extra.logY ?? false,
    ...(extra.xDomain ? { xDomain: extra.xDomain } : {}),
    ...(marks.length > 0 ? { markLabel: 'noise change' } : {}),
  })}</figure>`;
}

/** Exponential moving average over ≈ `span` points (bias-corrected start; non-finite points skipped). */
function smoothed(y: ArrayLike<number>, span: number): number[] {
  const a = 1 - 1 / span;
  const out: number[] = [];
  let acc = 0;
  let weight = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (Number.isFinite(v)) {
      acc = a * acc + (1 - a) * v;
      weight = a * weight + (1 - a);
    }
    out.push(weight > 0 && Number.isFinite(v) ? acc / weight : Number.NaN);
  }
  return out;
}

/** The noise-change times as steps of a per-step series (steps spread evenly over the input's duration). */
function stepMarks(marks: readonly number[], s: ReportSeries | undefined, duration: number): number[] {
  if (!s || s.x.length === 0 || !(duration > 0)) return [];
  const last = s.x[s.x.length - 1]!;
  return marks.map((t) => (t / duration) * last);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The before → after headline (SI-SDR, SNR, STOI) when the summary has them. */
function headline(summary: RunReport['summary']): string {
  const items: string[] = [];
  const pair = (label: string, a: unknown, b: unknown, unit: string, digits: number) => {
    const x = num(a);
    const y = num(b);
    if (x === null || y === null) return;
    const d = y - x;
    const cls = d >= 0 ? 'up' : 'down';
    items.push(
      `<div class="kpi"><div class="label">${label}</div><div class="value">${x.toFixed(digits)}${unit} → <b>${y.toFixed(digits)}${unit}</b></div><div class="delta ${cls}">${d >= 0 ? '+' : ''}${d.toFixed(digits)}${unit}</div></div>`,
    );
  };
  pair('SI-SDR', summary.siSdrIn, summary.siSdrOut, ' dB', 2);
  pair('SNR', summary.snrIn, summary.snrOut, ' dB', 2);
  pair('STOI', summary.stoiIn, summary.stoiOut, '', 3);
  return items.length > 0 ? `<div class="kpis">${items.join('')}</div>` : '';
}

/** The line charts: quality, level, loss, learning rate, weight norm and smoothed − raw, with the change marks. */
function lineCharts(report: RunReport): string {
  const marks = report.changeTimes;
  const dur = report.input.durationSec;
  const time: readonly [number, number] = [0, dur];
  const q = report.quality;
  const qualityNames = q ? Object.keys(q.lines) : [];
  const split = qualityNames.some((n) => n.startsWith('SI-SDR')) && qualityNames.some((n) => n.startsWith('SNR'));
  const qualityCharts = split
    ? [
        chart('SI-SDR over time (0.5 s windows)', q, 'time (s)', 'dB', marks, {
          xDomain: time,
          only: (n) => n.startsWith('SI-SDR'),
        }),
        chart('SNR over time (0.5 s windows)', q, 'time (s)', 'dB', marks, {
          xDomain: time,
          only: (n) => n.startsWith('SNR'),
        }),
      ]
    : [chart('Quality over time', q, 'time (s)', 'dB', marks, { xDomain: time })];
  const weightTitle =
    report.weightNorm && Object.keys(report.weightNorm.lines).length > 1
      ? 'Weight norm (raw and smoothed: EMA or foreground)'
      : 'Weight norm';
  const perStep = (s: ReportSeries | undefined) => stepMarks(marks, s, dur);
  return [
    ...qualityCharts,
    chart('Level over time', report.levels, 'time (s)', 'dBFS', marks, { xDomain: time }),
    chart('Loss per step', report.loss, 'step', 'loss', perStep(report.loss), { logY: true, smooth: true }),
    chart(
      'Learning rate per step (log axis)',
      report.learningRate,
      'step',
      'learning rate',
      perStep(report.learningRate),
      {
        logY: true,
      },
    ),
    chart(weightTitle, report.weightNorm, 'step', '‖w‖', perStep(report.weightNorm)),
    chart('Smoothed vs raw weights', report.emaVsRaw, 'step', '‖smoothed − w‖', perStep(report.emaVsRaw)),
  ]
    .filter(Boolean)
    .join('\n');
}

const PAGE_STYLE = `body{font-family:system-ui,sans-serif;margin:24px auto;padding:0 16px;max-width:1100px;color:#222;font-size:16px}
h1{font-size:20px;margin-bottom:4px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #eee;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:14px}
th{background:#f4f4f4;font-weight:600}td{font-variant-numeric:tabular-nums}
figure{margin:16px 0}pre{background:#f7f7f7;padding:8px;font-size:11px;overflow:auto;max-height:300px;white-space:pre-wrap;word-break:break-all}
.meta{color:#666;font-size:12px;word-break:break-all}
.tables{display:flex;flex-wrap:wrap;gap:32px;align-items:flex-start}.tables h2{margin-top:8px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:180px;background:#fcfcfc}
.kpi .label{font-size:12px;color:#666}.kpi .value{font-size:17px;margin:2px 0}
.kpi .delta{font-size:13px;font-weight:600}.kpi .up{color:#1a7f37}.kpi .down{color:#c62828}
.players{display:flex;flex-wrap:wrap;gap:24px}.players figure{margin:4px 0}.players audio{width:min(420px,90vw)}
figcaption{font-size:14px;font-weight:600;margin-bottom:4px}`;

const tableRows = (o: Record<string, unknown>): string =>
  Object.entries(o)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(fmtValue(v))}</td></tr>`)
    .join('');

/**
 * A self-contained HTML report (inline CSS, SVG and media, no scripts, no external resources): the summary
 * numbers; with `audio`, before/after players (an excerpt of at most 10 s at ≤ 16 kHz, embedded as base64
 * WAV) and spectrograms of the input, the output and what was removed on one time axis; quality and level
 * over time, the loss per step (smoothed, the raw loss faint behind it), the learning rate on a log axis,
 * weight norm and smoothed (EMA or foreground) vs raw weights — the noise-change marks on every time axis (per-step charts convert
 * them to steps), gaps in the data drawn as shaded bands, legends above the plots, charts that scale with the
 * page — and the report as JSON at the end (the audio is not in it).
 *
 * @param report the run's numbers.
 * @param audio the input (primary channel) and the aligned output, for the players and spectrograms.
 */
export function renderHtmlReport(report: RunReport, audio?: ReportAudio): string {
  const r = report;
  const listen = audio
    ? `<h2>Listen</h2>\n${audioPlayers(audio, r.changeTimes)}\n<h2>Spectrograms</h2>\n${spectrogramFigures(audio, r.changeTimes, r.input.durationSec)}`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(r.title)}</title>
<style>
${PAGE_STYLE}
</style></head>
<body>
<h1>${esc(r.title)}</h1>
<p class="meta">${esc(r.createdAt)} · <code>${esc(r.command)}</code></p>
<p>Input <code>${esc(r.input.file)}</code>: ${r.input.channels} channel(s), ${r.input.sampleRate} Hz, ${r.input.durationSec.toFixed(2)} s${r.output ? ` → output <code>${esc(r.output)}</code>` : ''}. Mode: ${esc(r.mode)}.</p>
${headline(r.summary)}
<div class="tables">
<div><h2>Summary</h2><table id="summary">${tableRows(r.summary)}</table></div>
<div><h2>Settings</h2><table id="settings">${tableRows(r.settings)}</table></div>
</div>
${listen}
<h2>Plots</h2>
${lineCharts(r)}
<h2>Data</h2><pre id="data">${esc(JSON.stringify(r))}</pre>
</body></html>
`;
}
