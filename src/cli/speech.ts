import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudioBuffer } from '../audio/decode-audio-buffer.js';
import { AdamaxStreamError } from '../core/errors.js';
import { resample } from '../signal/resample.js';

/** The package root (the folder of this package's package.json), found from this module's location. */
export function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'adamax-stream') return dir;
      } catch {
        // keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** The `version` field of this package's package.json (`'unknown'` if it cannot be read). */
export function packageVersion(): string {
  const root = packageRoot();
  if (root === null) return 'unknown';
  try {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The default speech folder: `<package>/test/fixtures/speech`. */
export function defaultSpeechDir(): string | null {
  const root = packageRoot();
  return root ? join(root, 'test', 'fixtures', 'speech') : null;
}

/**
 * Loads every `*.wav` of a folder (sorted by name) as mono speech at `sampleRate` (downmixed,
 * resampled). At least 4 files are needed by the scenario generator.
 */
export async function loadSpeech(dir: string, sampleRate: number): Promise<Float32Array[]> {
  if (!existsSync(dir)) {
    throw new AdamaxStreamError(
      'io',
      `Speech folder not found: ${dir} (pass --speech <dir> with at least 4 WAV files of speech).`,
    );
  }
  const files = readdirSync(dir)
    .filter((f) => /\.wav$/i.test(f))
    .sort();
  if (files.length < 4) {
    throw new AdamaxStreamError('io', `Speech folder ${dir} has ${files.length} WAV files; at least 4 are needed.`);
  }
  const out: Float32Array[] = [];
  for (const f of files) {
    const path = join(dir, f);
    const decoded = await decodeAudioBuffer(readFileSync(path), path);
    const ch = decoded.channels[0]!;
    out.push(decoded.sampleRate === sampleRate ? ch : resample(ch, decoded.sampleRate, sampleRate));
  }
  return out;
}
