import { bytesToBase64 } from '../models/prior/prior-weights-codec.js';
import { chartFrame } from './chart-frame.js';
import { indexedPng } from './indexed-png.js';
import type { Spectrogram } from './spectrogram.js';

/** Options of {@link svgSpectrogram}. */
export interface SpectrogramChartOptions {
  readonly title: string;
  /** Level (dB) drawn at the top of the colour scale: share it between spectrograms to compare them. */
  readonly topDb: number;
  /** Range of the colour scale below `topDb`, dB. Default 80. */
  readonly rangeDb?: number;
  /** Vertical dashed marks (the noise-change times), s. */
  readonly marks?: readonly number[];
  readonly markLabel?: string;
  /** x range, s (default `[0, spectrogram.seconds]`): the report's time axis. */
  readonly xDomain?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

/** Viridis-like colour anchors, dark (quiet) to bright (loud). */
const ANCHORS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
] as const;

/** 256 RGB triples interpolated between the anchors. */
const PALETTE = (() => {
  const p = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (ANCHORS.length - 1);
    const k = Math.min(ANCHORS.length - 2, Math.floor(t));
    const f = t - k;
    for (let ch = 0; ch < 3; ch++) p[3 * i + ch] = Math.round(ANCHORS[k]![ch]! * (1 - f) + ANCHORS[k + 1]![ch]! * f);
  }
  return p;
})();

/** The power of each cell → palette index: `255 · clamp((10·log10 P − (top − range)) / range, 0, 1)`, top row first. */
function indices(s: Spectrogram, topDb: number, rangeDb: number): Uint8Array {
  const px = new Uint8Array(s.columns * s.rows);
  for (let r = 0; r < s.rows; r++) {
    const row = s.rows - 1 - r; // image rows top to bottom = frequencies high to low
    for (let c = 0; c < s.columns; c++) {
      const db = 10 * Math.log10(s.power[r * s.columns + c]! + 1e-30);
      const v = (db - (topDb - rangeDb)) / rangeDb;
      px[row * s.columns + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  return px;
}

/**
 * A spectrogram as a self-contained inline SVG: the cells as an embedded palette PNG (`data:` URL,
 * stretched over the plot area, not smoothed), a frequency axis in kHz, the report's time axis (same
 * margins and width as the line charts, so the time axes line up) and the dashed change marks over it.
 */
export function svgSpectrogram(s: Spectrogram, options: SpectrogramChartOptions): string {
  const rangeDb = options.rangeDb ?? 80;
  const x = options.xDomain ?? ([0, s.seconds] as const);
  const frame = chartFrame({
    title: `${options.title} (colour: ${Math.round(options.topDb - rangeDb)} … ${Math.round(options.topDb)} dB)`,
    width: options.width ?? 720,
    height: options.height ?? 260,
    x,
    y: [0, s.maxHz / 1000],
    xLabel: 'time (s)',
    yLabel: 'kHz',
    marks: options.marks ?? [],
    ...(options.markLabel !== undefined ? { markLabel: options.markLabel } : {}),
    markColor: '#fff',
    background: '#000',
  });
  const png = indexedPng(indices(s, options.topDb, rangeDb), s.columns, s.rows, PALETTE);
  const x0 = frame.sx(0);
  const x1 = frame.sx(s.seconds);
  const { top, height } = frame.plot;
  frame.parts.push(
    `<image class="spectrogram" x="${x0.toFixed(1)}" y="${top}" width="${(x1 - x0).toFixed(1)}" height="${height}" preserveAspectRatio="none" style="image-rendering:pixelated" clip-path="url(#${frame.clipId})" href="data:image/png;base64,${bytesToBase64(png)}"/>`,
    frame.marks,
    '</svg>',
  );
  return frame.parts.join('');
}
