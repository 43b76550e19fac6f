import { siSdr } from '../signal/si-sdr.js';
import { snr } from '../signal/snr.js';
import type { ReportSeries } from './run-report.js';

/**
 * SI-SDR and SNR of the input and the output in 0.5 s windows (windows whose clean energy is more than
 * 40 dB below the loudest window's are skipped: SI-SDR of silence is meaningless), time = window centre.
 */
export function qualitySeries(
  clean: Float32Array,
  noisy: Float32Array,
  output: Float32Array,
  rate: number,
): ReportSeries {
  const win = Math.max(1, Math.round(0.5 * rate));
  const starts: number[] = [];
  const energies: number[] = [];
  for (let s = 0; s + win <= clean.length; s += win) {
    let e = 0;
    for (let i = s; i < s + win; i++) e += clean[i]! * clean[i]!;
    starts.push(s);
    energies.push(e);
  }
  const maxE = Math.max(0, ...energies);
  const x: number[] = [];
  const lines: Record<string, number[]> = {
    'SI-SDR in': [],
    'SI-SDR out': [],
    'SNR in': [],
    'SNR out': [],
  };
  starts.forEach((s, k) => {
    if (!(energies[k]! > maxE * 1e-4) || energies[k] === 0) return;
    const c = clean.subarray(s, s + win);
    const n = noisy.subarray(s, s + win);
    const o = output.subarray(s, s + win);
    x.push(Number(((s + win / 2) / rate).toFixed(4)));
    lines['SI-SDR in']!.push(siSdr(c, n));
    lines['SI-SDR out']!.push(siSdr(c, o));
    lines['SNR in']!.push(snr(c, n));
    lines['SNR out']!.push(snr(c, o));
  });
  return { x, lines };
}
