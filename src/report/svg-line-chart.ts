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

/** Ids of the clip paths: unique within a document (one counter per process). */
let chartCounter = 0;

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= count) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4)));

/**
 * A self-contained inline SVG line chart (no scripts, no external resources): axes with ticks, one polyline
 * per series (decimated to ≤ 2000 points by min/max buckets so peaks survive), a legend and optional markers.
 *
 * @example svgLineChart({ title: 'SI-SDR', series: [{ name: 'output', x: t, y: sdr }], marks: [4.2] })
 */
export function svgLineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 300;
  const m = { left: 72, right: 16, top: 54, bottom: 48 };
  const tf = (v: number) => (options.logY ? Math.log10(v) : v);
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of options.series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = tf(s.y[i]!);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" style="width:100%;height:auto;max-width:${Math.round(width * 1.6)}px" role="img" aria-label="${esc(options.title)}" font-family="sans-serif" font-size="14">`,
  );
  parts.push(`<text x="${m.left}" y="18" font-size="16" font-weight="bold">${esc(options.title)}</text>`);
  if (options.xDomain && options.xDomain[1] > options.xDomain[0]) {
    xMin = options.xDomain[0];
    xMax = options.xDomain[1];
  }
  if (!Number.isFinite(xMin) || !Number.isFinite(yMin)) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`);
    return parts.join('');
  }
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === yMin) {
    // A constant series: a small band around it (not ±1, which flattens e.g. a learning rate of 0.01).
    const pad = options.logY ? 0.5 : Math.abs(yMax) > 0 ? Math.abs(yMax) * 0.2 : 1;
    yMax += pad;
    yMin -= pad;
  } else if (!options.logY) {
    const pad = (yMax - yMin) * 0.04;
    yMax += pad;
    yMin -= pad;
  }
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number) => m.top + ph - ((y - yMin) / (yMax - yMin)) * ph;
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#999"/>`);
  // y ticks: linear nice values; on a log axis whole decades, or nice linear values inside one decade.
  const yTicks =
    options.logY && yMax - yMin < 1.2
      ? niceTicks(10 ** yMin, 10 ** yMax, 4)
          .filter((v) => v > 0)
          .map(Math.log10)
      : options.logY
        ? niceTicks(Math.ceil(yMin), Math.floor(yMax), 5).filter((t) => Number.isInteger(t))
        : niceTicks(yMin, yMax, 5);
  for (const t of yTicks) {
    if (t < yMin - 1e-9 || t > yMax + 1e-9) continue;
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`);
    parts.push(
      `<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(options.logY ? 10 ** t : t)}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax, 8)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#999"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  if (options.xLabel)
    parts.push(`<text x="${m.left + pw / 2}" y="${height - 6}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  if (options.yLabel) {
    parts.push(
      `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`,
    );
  }
  for (const mark of options.marks ?? []) {
    if (mark < xMin || mark > xMax) continue;
    const x = sx(mark).toFixed(1);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="#555" stroke-dasharray="4 3"><title>change at ${fmt(mark)}</title></line>`,
    );
    if (options.markLabel) {
      parts.push(
        `<text x="${(Number(x) + 4).toFixed(1)}" y="${m.top + 12}" fill="#555">${esc(options.markLabel)}</text>`,
      );
    }
  }
  const clipId = `chart-clip-${++chartCounter}`;
  parts.push(
    `<defs><clipPath id="${clipId}"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath></defs>`,
  );
  // The legend sits in the header band above the plot area, never over the data.
  const legend: string[] = [];
  let legendX = m.left;
  options.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    const segments = gapSegments(s, tf);
    for (const [from, to] of segments) {
      const pts = decimate(s, from, to, tf, sx, sy);
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="${s.strokeWidth ?? 2}" stroke-opacity="${s.opacity ?? 1}" clip-path="url(#${clipId})" points="${pts.join(' ')}"/>`,
      );
    }
    for (let g = 1; g < segments.length; g++) {
      const x0 = sx(s.x[segments[g - 1]![1] - 1]!);
      const x1 = sx(s.x[segments[g]![0]]!);
      if (k === 0 && x1 - x0 >= 1) {
        parts.push(
          `<rect class="gap" x="${x0.toFixed(1)}" y="${m.top}" width="${(x1 - x0).toFixed(1)}" height="${ph}" fill="#bbb" fill-opacity="0.25"><title>gap: no data from ${fmt(s.x[segments[g - 1]![1] - 1]!)} to ${fmt(s.x[segments[g]![0]]!)}</title></rect>`,
        );
      }
    }
    const ly = 40;
    legend.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3" stroke-opacity="${Math.max(0.4, s.opacity ?? 1)}"/>`,
      `<text x="${legendX + 22}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`,
    );
    legendX += 34 + s.name.length * 7.6;
  });
  parts.push(...legend);
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Index ranges [from, to) of the drawable runs of a series: a run ends at a non-finite point or where
 * the x step exceeds 3× the median step (a stretch with no data, e.g. a silent window skipped).
 */
function gapSegments(s: ChartSeries, tf: (v: number) => number): [number, number][] {
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
function decimate(
  s: ChartSeries,
  from: number,
  to: number,
  tf: (v: number) => number,
  sx: (x: number) => number,
  sy: (y: number) => number,
): string[] {
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
