import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWavHeader } from '../../src/audio/parse-wav-header.js';

/** One committed speech fixture. */
export interface SpeechFixture {
  readonly name: string;
  readonly sampleRate: number;
  readonly samples: Float32Array;
}

const DEFAULT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'speech');

/**
 * Reads every `*.wav` of the speech fixtures folder (sorted by name): RIFF header via
 * `parseWavHeader`, 16-bit PCM decoded by hand (little endian, channel 0, `x / 32768`).
 * No Web Audio needed.
 */
export function loadSpeechFixtureFiles(dir: string = DEFAULT_DIR): SpeechFixture[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort();
  return files.map((name) => {
    const bytes = new Uint8Array(readFileSync(join(dir, name)));
    const h = parseWavHeader(bytes, { file: name, requireWav: true });
    if (h?.format !== 'pcm' || h.bitsPerSample !== 16) {
      throw new Error(`${name}: expected 16-bit PCM WAV`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const samples = new Float32Array(h.frames);
    for (let i = 0; i < h.frames; i++) samples[i] = view.getInt16(h.dataOffset + i * h.blockAlign, true) / 32768;
    return { name, sampleRate: h.sampleRate, samples };
  });
}

/** The speech fixtures' samples (16 kHz mono), in file-name order. */
export function loadSpeechFixtures(dir: string = DEFAULT_DIR): Float32Array[] {
  return loadSpeechFixtureFiles(dir).map((f) => f.samples);
}
