import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resample } from '../../src/signal/resample.js';
import { loadSpeechFixtureFiles } from './speech.js';

/** One synthetic voice: engine, voice id, speed and pitch (espeak-ng) . */
export interface Voice {
  readonly name: string;
  readonly engine: 'espeak-ng' | 'festival';
  readonly voice: string;
  readonly speed?: number;
  readonly pitch?: number;
}

/**
 * Validation and test use DIFFERENT voices (and a different Festival voice each) and DIFFERENT texts
 * (Harvard sentences, IEEE 1969, disjoint lists; none of them is in the committed fixtures).
 */
export const V2_SPEECH = {
  validation: {
    voices: [
      { name: 'v-us-m', engine: 'espeak-ng', voice: 'en-us', speed: 170, pitch: 45 },
      { name: 'v-rp-f2', engine: 'espeak-ng', voice: 'en-gb-x-rp+f2', speed: 175, pitch: 60 },
      { name: 'v-scot-m3', engine: 'espeak-ng', voice: 'en-gb-scotland+m3', speed: 160, pitch: 35 },
      { name: 'v-029-f4', engine: 'espeak-ng', voice: 'en-029+f4', speed: 180, pitch: 65 },
      { name: 'v-kal', engine: 'festival', voice: 'voice_kal_diphone' },
    ] as readonly Voice[],
    texts: [
      'A large size in stockings is hard to sell.',
      'The fish twisted and turned on the bent hook.',
      'Press the pants and sew a button on the vest.',
      'The swan dive was far short of perfect.',
      'The beauty of the view stunned the young boy.',
      'Two blue fish swam in the tank.',
      'Her purse was full of useless trash.',
      'The colt reared and threw the tall rider.',
    ],
  },
  test: {
    voices: [
      { name: 't-gb-f3', engine: 'espeak-ng', voice: 'en-gb+f3', speed: 175, pitch: 55 },
      { name: 't-nyc-m5', engine: 'espeak-ng', voice: 'en-us-nyc+m5', speed: 165, pitch: 40 },
      { name: 't-lanc-f1', engine: 'espeak-ng', voice: 'en-gb-x-gbclan+f1', speed: 185, pitch: 70 },
      { name: 't-wmid-m2', engine: 'espeak-ng', voice: 'en-gb-x-gbcwmd+m2', speed: 155, pitch: 30 },
      { name: 't-slt', engine: 'festival', voice: 'voice_cmu_us_slt_arctic_hts' },
    ] as readonly Voice[],
    texts: [
      'Hoist the load to your left shoulder.',
      'Take the winding path to reach the lake.',
      'Note closely the size of the gas tank.',
      'Wipe the grease off his dirty face.',
      'Mend the coat before you go out.',
      'The wrist was badly strained and hung limp.',
      'The stray cat gave birth to kittens.',
      'The young girl gave no clear response.',
    ],
  },
} as const;

export type V2Split = keyof typeof V2_SPEECH;

/** Per split: utterances grouped by voice (each voice speaks every text of its split). */
export type VoiceBank = readonly (readonly Float32Array[])[];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const V2_CACHE = join(ROOT, '.cache', 'abrupt-noise-v2', 'speech');

/** The cached WAV of utterance `i` of voice `v` of a split. */
export const v2SpeechFile = (split: V2Split, voice: string, i: number): string =>
  join(V2_CACHE, split, voice, `${String(i).padStart(2, '0')}.wav`);

/**
 * Every utterance of a split at `sampleRate`, grouped by voice, from the gitignored cache; a missing
 * cache is synthesised first by `scripts/synth-v2-speech.ts` (espeak-ng and Festival; throws when a
 * synthesiser is missing).
 */
export function loadV2Speech(split: V2Split, sampleRate: number): VoiceBank {
  const spec = V2_SPEECH[split];
  const missing = spec.voices.some((v) => spec.texts.some((_, i) => !existsSync(v2SpeechFile(split, v.name, i))));
  if (missing) {
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'synth-v2-speech.ts')], {
      stdio: 'inherit',
    });
  }
  return spec.voices.map((v) => {
    const utts = loadSpeechFixtureFiles(join(V2_CACHE, split, v.name)).map((f) => f.samples);
    return sampleRate === 16000 ? utts : utts.map((u) => resample(u, 16000, sampleRate));
  });
}

/**
 * Small in-repo split for tests (no synthesiser needed): the committed fixtures, 4 voices with their
 * own texts for validation, the other 4 for test; each "voice" has one utterance.
 */
export function fixtureV2Speech(split: V2Split, sampleRate: number): VoiceBank {
  const files = loadSpeechFixtureFiles();
  const half = split === 'validation' ? files.slice(0, 4) : files.slice(4, 8);
  return half.map((f) => [sampleRate === f.sampleRate ? f.samples : resample(f.samples, f.sampleRate, sampleRate)]);
}
