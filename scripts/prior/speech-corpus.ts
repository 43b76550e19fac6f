/**
 * Synthetic speech corpus for training the single-channel speech prior (dev script; needs
 * `text2wave` (Festival) and `espeak-ng` and `sox` on PATH). Never used by the test suite.
 *
 * Speaker- and text-disjoint from the benchmark's TEST speech (test/fixtures/speech: eSpeak NG
 * voices en-us, en-gb, en-gb-scotland, en-gb-x-rp, en-029 with the variants f2, f3, f4, f5, m3, m7
 * and Harvard sentences of lists 1–4):
 * - Festival voices kal_diphone and cmu_us_slt_arctic_hts (another engine), each also shifted
 *   in pitch/tempo by sox to make more talkers;
 * - eSpeak NG accents en-gb-x-gbclan, en-gb-x-gbcwmd, en-us-nyc with variants never used by the
 *   test split (m1, m2, m4, m5, m6, m8, f1, klatt, klatt2, klatt4, belinda, david, john, linda, max, paul);
 * - texts from a seeded random grammar (never Harvard sentences).
 * The 'validation' part uses the same voices with texts of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWavHeader } from '../../src/audio/parse-wav-header.js';
import { Random } from '../../src/core/random.js';

const SUBJECTS = [
  'the old sailor',
  'a quiet farmer',
  'my younger sister',
  'the tall engineer',
  'our neighbour',
  'the baker',
  'a small child',
  'the grey wolf',
  'the museum guide',
  'a careful driver',
  'the night nurse',
  'his uncle',
  'the new teacher',
  'a tired student',
  'the village doctor',
  'the orange cat',
  'a brave pilot',
  'the cook',
  'every visitor',
  'the lonely painter',
  'a young mechanic',
  'the mayor',
  'her grandmother',
  'the postman',
];
const VERBS = [
  'carried',
  'painted',
  'repaired',
  'noticed',
  'borrowed',
  'delivered',
  'ordered',
  'described',
  'cleaned',
  'followed',
  'opened',
  'measured',
  'washed',
  'dropped',
  'collected',
  'wrapped',
  'counted',
  'finished',
  'remembered',
  'discovered',
  'launched',
  'buried',
  'polished',
  'questioned',
];
const OBJECTS = [
  'a wooden ladder',
  'the silver kettle',
  'seven yellow bricks',
  'a map of the valley',
  'the broken radio',
  'two heavy suitcases',
  'a basket of plums',
  'the kitchen window',
  'an empty envelope',
  'the iron gate',
  'a jar of honey',
  'the paper lantern',
  'a pair of boots',
  'the garden hose',
  'three blue pencils',
  'a loaf of rye bread',
  'the leather saddle',
  'a frozen pizza',
  'the rusty bicycle',
  'a crate of apples',
];
const TAILS = [
  'before the storm arrived',
  'near the harbour',
  'after a long winter',
  'without saying a word',
  'on a Tuesday morning',
  'behind the library',
  'in the middle of the night',
  'for the third time',
  'under the old bridge',
  'at the edge of town',
  'during the festival',
  'while the kettle boiled',
  'across the frozen lake',
  'next to the railway',
  'just after lunch',
  'in front of everyone',
];
const OPENERS = ['', '', '', 'Yesterday ', 'Later that week ', 'Suddenly ', 'Without warning ', 'Twice a year '];
const QUESTIONS = ['Did you know that', 'Is it true that', 'Who would believe that', 'Why do people say that'];

/** A random sentence from the grammar (seeded). */
export function randomSentence(rng: Random): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng.next() * a.length)]!;
  const core = `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(TAILS)}`;
  if (rng.next() < 0.2) return `${pick(QUESTIONS)} ${core}?`;
  const o = pick(OPENERS);
  const s = `${o}${o ? core : core[0]!.toUpperCase() + core.slice(1)}.`;
  if (rng.next() >= 0.4) return s;
  const who = pick(SUBJECTS);
  return `${s} ${who[0]!.toUpperCase()}${who.slice(1)} ${pick(VERBS)} it.`;
}

interface Voice {
  readonly name: string;
  readonly make: (text: string, out: string, rng: Random) => void;
}

const ESPEAK_BASES = ['en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-us-nyc'];
const ESPEAK_VARIANTS = [
  'm1',
  'm2',
  'm4',
  'm5',
  'm6',
  'm8',
  'f1',
  'klatt',
  'klatt2',
  'klatt4',
  'belinda',
  'david',
  'john',
  'linda',
  'max',
  'paul',
];

function festival(voice: string): Voice['make'] {
  return (text, out, rng) => {
    const raw = `${out}.raw.wav`;
    execFileSync('text2wave', ['-eval', `(voice_${voice})`, '-o', raw], {
      input: text,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const pitch = Math.round(rng.uniform(-300, 300));
    const tempo = rng.uniform(0.9, 1.15).toFixed(3);
    sox(raw, out, ['pitch', String(pitch), 'tempo', tempo]);
  };
}

function espeak(voice: string): Voice['make'] {
  return (text, out, rng) => {
    const raw = `${out}.raw.wav`;
    const speed = String(rng.int(140, 190));
    const pitch = String(rng.int(25, 75));
    execFileSync('espeak-ng', ['-v', voice, '-s', speed, '-p', pitch, '-w', raw, text], { stdio: 'ignore' });
    sox(raw, out, []);
  };
}

/** Trim silence, pad, resample to 16 kHz mono 16-bit, normalise to −20 dBFS-ish (sox `norm -3` then gain). */
function sox(input: string, output: string, effects: readonly string[]): void {
  execFileSync(
    'sox',
    [
      '-R',
      input,
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      output,
      ...effects,
      'silence',
      '1',
      '0.02',
      '-50d',
      'reverse',
      'silence',
      '1',
      '0.02',
      '-50d',
      'reverse',
      'pad',
      '0.1',
      '0.1',
      'norm',
      '-3',
    ],
    { stdio: 'ignore' },
  );
}

export function voices(): Voice[] {
  const out: Voice[] = [
    { name: 'fest-kal', make: festival('kal_diphone') },
    { name: 'fest-slt', make: festival('cmu_us_slt_arctic_hts') },
  ];
  for (const b of ESPEAK_BASES)
    for (const v of ESPEAK_VARIANTS) out.push({ name: `es-${b}+${v}`, make: espeak(`${b}+${v}`) });
  return out;
}

function readWav16(path: string): Float32Array {
  const bytes = new Uint8Array(readFileSync(path));
  const h = parseWavHeader(bytes, { file: path, requireWav: true });
  if (h?.format !== 'pcm' || h.bitsPerSample !== 16 || h.sampleRate !== 16000)
    throw new Error(`${path}: expected 16 kHz PCM16`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const x = new Float32Array(h.frames);
  for (let i = 0; i < h.frames; i++) x[i] = view.getInt16(h.dataOffset + i * h.blockAlign, true) / 32768;
  return x;
}

/**
 * Generates (or reads back from `dir`) `count` utterances of the given split. Utterance i uses
 * voice i mod V (Festival voices weighted ×4), text from `Random(seed)`. Returns 16 kHz signals.
 */
export function speechCorpus(dir: string, split: 'train' | 'validation', count: number, seed: number): Float32Array[] {
  mkdirSync(dir, { recursive: true });
  const vs = voices();
  const weighted: Voice[] = [];
  for (const v of vs) for (let r = 0; r < (v.name.startsWith('fest') ? 8 : 1); r++) weighted.push(v);
  const rng = new Random(seed ^ (split === 'train' ? 0x1234567 : 0x7654321));
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const voice = weighted[Math.floor(rng.next() * weighted.length)]!;
    const text = `${randomSentence(rng)} ${randomSentence(rng)}`;
    const vr = new Random(rng.int(0, 2 ** 31));
    const file = join(dir, `${split}-${String(i).padStart(4, '0')}.wav`);
    if (!existsSync(file)) {
      voice.make(text, file, vr);
      rmSync(`${file}.raw.wav`, { force: true });
      writeFileSync(`${file}.txt`, `${voice.name}\t${text}\n`);
    }
    out.push(readWav16(file));
  }
  return out;
}
