import { encodeWav } from '../audio/encode-wav.js';
import { bytesToBase64 } from '../models/prior/prior-weights-codec.js';
import { resample } from '../signal/resample.js';
import { fmtTick } from './chart-frame.js';
import type { ReportAudio } from './run-report.js';

/** Sample rate of the embedded players: speech stays intelligible, the file stays small. */
export const PLAYER_RATE = 16000;

/** Default and largest length of the embedded excerpt, s. */
export const PLAYER_SECONDS = 10;

/**
 * The excerpt the players embed: `seconds` long (≤ {@link PLAYER_SECONDS}), starting at 0, or — with
 * change marks — 30 % of its length before the first change, so that the change is heard.
 */
export function playerExcerpt(
  duration: number,
  marks: readonly number[],
  seconds = PLAYER_SECONDS,
): { from: number; to: number } {
  const len = Math.min(duration, Math.max(0, Math.min(seconds, PLAYER_SECONDS)));
  const first = marks.find((t) => t >= 0 && t <= duration);
  const from = first === undefined ? 0 : Math.min(Math.max(0, first - 0.3 * len), duration - len);
  return { from, to: from + len };
}

/** One excerpt as a `data:` URL of a 16-bit PCM WAV at ≤ {@link PLAYER_RATE} Hz. */
function wavUrl(x: Float32Array, rate: number, from: number, to: number): string {
  const cut = x.subarray(Math.round(from * rate), Math.round(to * rate));
  const out = rate > PLAYER_RATE ? resample(cut, rate, PLAYER_RATE) : cut;
  return `data:audio/wav;base64,${bytesToBase64(encodeWav([out], Math.min(rate, PLAYER_RATE), { format: 'pcm16' }))}`;
}

/**
 * Before/after `<audio>` players embedded in the page (base64 WAV, no external file): the same excerpt
 * of the input and the output, cut to at most {@link PLAYER_SECONDS} s and resampled to at most
 * {@link PLAYER_RATE} Hz, so that the report stays small (≈ 430 kB of base64 per player at most).
 */
export function audioPlayers(audio: ReportAudio, marks: readonly number[]): string {
  const rate = audio.sampleRate;
  const duration = audio.input.length / rate;
  const { from, to } = playerExcerpt(duration, marks, audio.maxSeconds);
  if (!(to > from)) return '';
  const shownRate = Math.min(rate, PLAYER_RATE);
  const note =
    to - from < duration - 1e-9
      ? `${fmtTick(from)}–${fmtTick(to)} s of ${fmtTick(duration)} s`
      : `all ${fmtTick(duration)} s`;
  const player = (id: string, label: string, x: Float32Array) =>
    `<figure class="player"><figcaption>${label}</figcaption><audio id="${id}" controls preload="none" src="${wavUrl(x, rate, from, to)}"></audio></figure>`;
  return `<p class="meta">Excerpt: ${note}, ${shownRate} Hz, 16-bit.</p><div class="players">${player('audio-before', 'Before (input)', audio.input)}${player('audio-after', 'After (output)', audio.output)}</div>`;
}
