import { escapeXml } from './escape-xml.js';

/** Geometry and options of a chart's frame: the SVG, title, plot area, axes, ticks, labels and marks. */
export interface ChartFrameOptions {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** x range in data units (drawn linearly). */
  readonly x: readonly [number, number];
  /** y range in plot units (log10 of the value when `logY`). */
  readonly y: readonly [number, number];
  readonly logY?: boolean;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Vertical dashed marks (e.g. the noise-change times), in x units. */
  readonly marks?: readonly number[];
  /** Label drawn next to each mark. */
  readonly markLabel?: string;
  /** Mark colour (dark on light plots, light on spectrograms). Default #555. */
  readonly markColor?: string;
  /** Plot-area fill. Default #fafafa. */
  readonly background?: string;
  /** Formats a y tick (in data units). Default: 4 significant digits. */
  readonly yTickFormat?: (v: number) => string;
}

/** A drawn frame: the SVG parts so far (open: append the content, then `</svg>`) and the scales. */
export interface ChartFrame {
  readonly parts: string[];
  /** Plot area in SVG units. */
  readonly plot: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  /** Data x → SVG x. */
  readonly sx: (x: number) => number;
  /** Plot-unit y (log10 on a log axis) → SVG y. */
  readonly sy: (y: number) => number;
  /** Id of a clip path of the plot area. */
  readonly clipId: string;
  /** The dashed marks, drawn last so that they sit over the data. */
  readonly marks: string;
}

/** Margins of every chart, so that charts of the same width share their time axis. */
export const CHART_MARGIN = { left: 72, right: 16, top: 54, bottom: 48 } as const;

/** Ids of the clip paths: unique within a document (one counter per process). */
let frameCounter = 0;

/** Tick values: multiples of 1, 2, 2.5 or 5 × 10^k, at most about `count` of them, inside [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= count) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A tick or mark value: 4 significant digits, exponent notation outside [1e-3, 1e4). */
export const fmtTick = (v: number): string =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4)));

/** y ticks in plot units: linear nice values; on a log axis whole decades, or nice values inside one decade. */
function yTicks(lo: number, hi: number, log: boolean): number[] {
  if (!log) return niceTicks(lo, hi, 5);
  if (hi - lo < 1.2)
    return niceTicks(10 ** lo, 10 ** hi, 4)
      .filter((v) => v > 0)
      .map(Math.log10);
  return niceTicks(Math.ceil(lo), Math.floor(hi), 5).filter((t) => Number.isInteger(t));
}

/**
 * Draws a chart's frame as inline SVG (no scripts, no external resources): the title, the plot area,
 * y grid lines and ticks (linear or log10), x ticks, axis labels and the dashed marks (returned
 * separately, to be appended over the data). The SVG scales with the page (`width:100%`), text 14–16 px.
 */
export function chartFrame(o: ChartFrameOptions): ChartFrame {
  const m = CHART_MARGIN;
  const [xMin, xMax] = o.x;
  const [yMin, yMax] = o.y;
  const pw = o.width - m.left - m.right;
  const ph = o.height - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number) => m.top + ph - ((y - yMin) / (yMax - yMin)) * ph;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${o.width} ${o.height}" style="width:100%;height:auto;max-width:${Math.round(o.width * 1.6)}px" role="img" aria-label="${escapeXml(o.title)}" font-family="sans-serif" font-size="14">`,
    `<text x="${m.left}" y="18" font-size="16" font-weight="bold">${escapeXml(o.title)}</text>`,
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="${o.background ?? '#fafafa'}" stroke="#999"/>`,
  ];
  const yFmt = o.yTickFormat ?? fmtTick;
  for (const t of yTicks(yMin, yMax, o.logY ?? false)) {
    if (t < yMin - 1e-9 || t > yMax + 1e-9) continue;
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`);
    parts.push(
      `<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${yFmt(o.logY ? 10 ** t : t)}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax, 8)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#999"/>`);
    parts.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  if (o.xLabel)
    parts.push(`<text x="${m.left + pw / 2}" y="${o.height - 6}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  if (o.yLabel)
    parts.push(
      `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
    );
  const clipId = `chart-clip-${++frameCounter}`;
  parts.push(
    `<defs><clipPath id="${clipId}"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath></defs>`,
  );
  return { parts, plot: { left: m.left, top: m.top, width: pw, height: ph }, sx, sy, clipId, marks: drawMarks(o, sx) };
}

/** The dashed marks inside the plot area, with a hover title and the optional label. */
function drawMarks(o: ChartFrameOptions, sx: (x: number) => number): string {
  const m = CHART_MARGIN;
  const ph = o.height - m.top - m.bottom;
  const color = o.markColor ?? '#555';
  const out: string[] = [];
  for (const mark of o.marks ?? []) {
    if (mark < o.x[0] || mark > o.x[1]) continue;
    const x = sx(mark).toFixed(1);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"><title>change at ${fmtTick(mark)}</title></line>`,
    );
    if (o.markLabel)
      out.push(
        `<text x="${(Number(x) + 4).toFixed(1)}" y="${m.top + 12}" fill="${color}">${escapeXml(o.markLabel)}</text>`,
      );
  }
  return out.join('');
}
