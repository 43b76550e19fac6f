import type { ReportAudio } from './run-report.js';
import { spectrogram } from './spectrogram.js';
import { svgSpectrogram } from './svg-spectrogram.js';

/**
 * The three spectrograms of a report — input, output and what was removed (input − output; the
 * output is aligned with the input) — on the report's time axis with the change marks, on one colour
 * scale (the top is the input's loudest cell, 80 dB of range) so that they compare directly.
 *
 * @param audio input and output, same rate and length.
 * @param marks the noise-change times, s.
 * @param duration the report's time axis, s.
 */
export function spectrogramFigures(audio: ReportAudio, marks: readonly number[], duration: number): string {
  const { input, output, sampleRate } = audio;
  const n = Math.min(input.length, output.length);
  const removed = new Float32Array(n);
  for (let i = 0; i < n; i++) removed[i] = input[i]! - output[i]!;
  const grams = [
    { id: 'spectrogram-input', title: 'Spectrogram: input', s: spectrogram(input.subarray(0, n), sampleRate) },
    { id: 'spectrogram-output', title: 'Spectrogram: output', s: spectrogram(output.subarray(0, n), sampleRate) },
    { id: 'spectrogram-removed', title: 'Spectrogram: removed (input − output)', s: spectrogram(removed, sampleRate) },
  ];
  let top = Number.NEGATIVE_INFINITY;
  for (const p of grams[0]!.s.power) top = Math.max(top, 10 * Math.log10(p + 1e-30));
  if (!Number.isFinite(top)) top = 0;
  return grams
    .map(
      (g) =>
        `<figure id="${g.id}">${svgSpectrogram(g.s, {
          title: g.title,
          topDb: top,
          marks,
          xDomain: [0, duration],
          ...(marks.length > 0 ? { markLabel: 'noise change' } : {}),
        })}</figure>`,
    )
    .join('\n');
}
