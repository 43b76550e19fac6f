import { type ChartFrame, chartFrame, fmtTick } from './chart-frame.js';
import { escapeXml } from './escape-xml.js';

/** One line of a chart: x and y values of equal length (NaN/Infinity points are skipped). */
export interface ChartSeries {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: string;
  /** Stroke opacity (e.g. a faint raw series behind its smoothed version). Default 1. */
  readonly opacity?: number;
  /** Stroke width. Default 2. */
  readonly strokeWidth?: number;
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Vertical marker lines (e.g. the noise-change times), in x units. */
  readonly marks?: readonly number[];
  readonly width?: number;
  readonly height?: number;
  /** Use a log10 y axis (values ≤ 0 skipped). */
  readonly logY?: boolean;
  /** Fixed x range (e.g. `[0, duration]` so time charts line up); default: the data's range. */
  readonly xDomain?: readonly [number, number];
  /** Label drawn next to the marker lines. Default none. */
  readonly markLabel?: string;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

type Transform = (v: number) => number;

/** The x and y (plot-unit) ranges of the finite points, padded for drawing; null when there is none. */
function ranges(o: LineChartOptions, tf: Transform): { x: [number, number]; y: [number, number] } | null {
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const s of o.series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = tf(s.y[i]!);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      [xMin, xMax, yMin, yMax] = [Math.min(xMin, x), Math.max(xMax, x), Math.min(yMin, y), Math.max(yMax, y)];
    }
  }
  if (o.xDomain && o.xDomain[1] > o.xDomain[0]) [xMin, xMax] = o.xDomain;
  if (!Number.isFinite(xMin) || !Number.isFinite(yMin)) return null;
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === yMin) {
    // A constant series: a small band around it (not ±1, which flattens e.g. a learning rate of 0.01).
    const pad = o.logY ? 0.5 : Math.abs(yMax) > 0 ? Math.abs(yMax) * 0.2 : 1;
    return { x: [xMin, xMax], y: [yMin - pad, yMax + pad] };
  }
  const pad = o.logY ? 0 : (yMax - yMin) * 0.04;
  return { x: [xMin, xMax], y: [yMin - pad, yMax + pad] };
}

/**
 * A self-contained inline SVG line chart (no scripts, no external resources): axes with ticks, one polyline
 * per series (decimated to ≤ 2000 points by min/max buckets so peaks survive), gaps in the data drawn as
 * shaded bands instead of a bridging line, a legend above the plot area and optional markers.
 *
 * @example svgLineChart({ title: 'SI-SDR', series: [{ name: 'output', x: t, y: sdr }], marks: [4.2] })
 */
export function svgLineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 300;
  const tf: Transform = (v) => (options.logY ? Math.log10(v) : v);
  const r = ranges(options, tf);
  if (r === null) {
    const title = escapeXml(options.title);
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" style="width:100%;height:auto;max-width:${Math.round(width * 1.6)}px" role="img" aria-label="${title}" font-family="sans-serif" font-size="14"><text x="72" y="18" font-size="16" font-weight="bold">${title}</text><text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const frame = chartFrame({
    title: options.title,
    width,
    height,
    x: r.x,
    y: r.y,
    logY: options.logY ?? false,
    ...(options.xLabel !== undefined ? { xLabel: options.xLabel } : {}),
    ...(options.yLabel !== undefined ? { yLabel: options.yLabel } : {}),
    ...(options.marks !== undefined ? { marks: options.marks } : {}),
    ...(options.markLabel !== undefined ? { markLabel: options.markLabel } : {}),
  });
  const legend: string[] = [];
  let legendX = frame.plot.left;
  options.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    drawSeries(frame, s, color, tf, k === 0);
    // The legend sits in the header band above the plot area, never over the data.
    legend.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="40" y2="40" stroke="${color}" stroke-width="3" stroke-opacity="${Math.max(0.4, s.opacity ?? 1)}"/>`,
      `<text x="${legendX + 22}" y="40" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
    legendX += 34 + s.name.length * 7.6;
  });
  frame.parts.push(frame.marks, ...legend, '</svg>');
  return frame.parts.join('');
}

/** One series: a polyline per drawable run, and (for the first series) a shaded band over each gap. */
function drawSeries(frame: ChartFrame, s: ChartSeries, color: string, tf: Transform, bands: boolean): void {
  const { parts, sx, sy, plot } = frame;
  const segments = gapSegments(s, tf);
  for (const [from, to] of segments) {
    const pts = decimate(s, from, to, tf, sx, sy);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="${s.strokeWidth ?? 2}" stroke-opacity="${s.opacity ?? 1}" clip-path="url(#${frame.clipId})" points="${pts.join(' ')}"/>`,
    );
  }
  if (!bands) return;
  for (let g = 1; g < segments.length; g++) {
    const a = s.x[segments[g - 1]![1] - 1]!;
    const b = s.x[segments[g]![0]]!;
    const x0 = sx(a);
    const x1 = sx(b);
    if (x1 - x0 < 1) continue;
    parts.push(
      `<rect class="gap" x="${x0.toFixed(1)}" y="${plot.top}" width="${(x1 - x0).toFixed(1)}" height="${plot.height}" fill="#bbb" fill-opacity="0.25"><title>gap: no data from ${fmtTick(a)} to ${fmtTick(b)}</title></rect>`,
    );
  }
}

/**
 * Index ranges [from, to) of the drawable runs of a series: a run ends at a non-finite point or where
 * the x step exceeds 3× the median step (a stretch with no data, e.g. a silent window skipped).
 */
function gapSegments(s: ChartSeries, tf: Transform): [number, number][] {
  const n = s.x.length;
  const steps: number[] = [];
  for (let i = 1; i < n; i++) {
    const d = s.x[i]! - s.x[i - 1]!;
    if (Number.isFinite(d) && d > 0) steps.push(d);
  }
  steps.sort((a, b) => a - b);
  const limit = steps.length > 0 ? 3 * steps[steps.length >> 1]! : Infinity;
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const ok = i < n && Number.isFinite(s.x[i]!) && Number.isFinite(tf(s.y[i]!));
    const jump = ok && start >= 0 && s.x[i]! - s.x[i - 1]! > limit;
    if (start >= 0 && (!ok || jump)) {
      out.push([start, i]);
      start = -1;
    }
    if (ok && start < 0) start = i;
  }
  return out;
}

/** Points of one run, decimated to ≤ 2000 by min/max buckets so peaks survive. */
function decimate(s: ChartSeries, from: number, to: number, tf: Transform, sx: Transform, sy: Transform): string[] {
  const bucket = Math.max(1, Math.ceil((to - from) / 1000));
  const pts: string[] = [];
  for (let start = from; start < to; start += bucket) {
    let lo = start;
    let hi = start;
    for (let i = start; i < Math.min(to, start + bucket); i++) {
      if (tf(s.y[i]!) < tf(s.y[lo]!)) lo = i;
      if (tf(s.y[i]!) > tf(s.y[hi]!)) hi = i;
    }
    for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) {
      pts.push(`${sx(s.x[i]!).toFixed(1)},${sy(tf(s.y[i]!)).toFixed(1)}`);
    }
  }
  return pts;
}
