/**
 * Regenerates the bundled sample recording in samples/data/ (deterministic, re-runnable):
 *
 *   node --import tsx scripts/make-sample.ts [outDir]
 *
 * One reference-track clip of the abrupt-noise scenario generator (`makeScenario`, seed 7, split
 * 'test', index 0, 8 s at 16 kHz) built from the espeak-ng speech fixtures in test/fixtures/speech:
 * pink noise that switches to white noise at 3.55 s, reaching the primary microphone through a
 * 188-tap room-like path, input SNR 2 dB. Written as 16-bit PCM WAVs (≈ 256 kB each, < 1 MB total):
 *   noisy-speech.wav  the noisy primary (speech + noise)      — what `npm start` denoises
 *   clean.wav         the clean speech (for the metrics)
 *   reference.wav     the noise reference microphone          — for `denoise --reference`
 *   scenario.json     change time and kind, noise types, input SNR … (`denoise` reads the change
 *                     time from it for the report marks and T10)
 * The clip peaks below full scale (0.81), so 16-bit PCM does not clip it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultSpeechDir, loadSpeech } from '../src/cli/speech.js';
import { makeScenario } from '../src/index.js';
import { writeWavFile } from '../src/node/io.js';

export const SAMPLE = Object.freeze({
  seed: 7,
  split: 'test' as const,
  index: 0,
  track: 'reference' as const,
  sampleRate: 16000,
  durationSec: 8,
});

export async function makeSample(outDir: string): Promise<void> {
  const speechDir = defaultSpeechDir();
  if (!speechDir) throw new Error('cannot find the package speech fixtures');
  const speech = await loadSpeech(speechDir, SAMPLE.sampleRate);
  const sc = makeScenario({ ...SAMPLE, speech });
  let peak = 0;
  for (const v of sc.primary) peak = Math.max(peak, Math.abs(v));
  if (peak >= 1) throw new Error(`the sample clip peaks at ${peak}: it would clip in 16-bit PCM`);
  await mkdir(outDir, { recursive: true });
  const fmt = { format: 'pcm16' } as const;
  await writeWavFile(join(outDir, 'noisy-speech.wav'), [sc.primary], SAMPLE.sampleRate, fmt);
  await writeWavFile(join(outDir, 'clean.wav'), [sc.clean], SAMPLE.sampleRate, fmt);
  await writeWavFile(join(outDir, 'reference.wav'), [sc.reference!], SAMPLE.sampleRate, fmt);
  const meta = {
    format: 'adamax-stream/scenario',
    version: 1,
    description:
      'Bundled sample: espeak-ng speech (test/fixtures/speech) + abrupt-noise scenario generator; made by scripts/make-sample.ts',
    id: sc.id,
    ...SAMPLE,
    frames: sc.primary.length,
    changeAt: sc.changeAt,
    changeTimeSec: sc.changeAt / SAMPLE.sampleRate,
    changeKind: sc.changeKind,
    noiseBefore: sc.noiseBefore,
    noiseAfter: sc.noiseAfter,
    inputSnrDb: Number(sc.inputSnrDb.toFixed(3)),
    pathTaps: sc.pathTaps,
    peak: Number(peak.toFixed(4)),
    noisy: 'noisy-speech.wav',
    clean: 'clean.wav',
    reference: 'reference.wav',
    sampleFormat: 'pcm16',
  };
  await writeFile(join(outDir, 'scenario.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? join(import.meta.dirname ?? '.', '..', 'samples', 'data');
  await makeSample(out);
  console.log(`wrote the sample to ${out}`);
}
