/**
 * Synthesises the abrupt-noise-v2 speech (both splits) into the gitignored cache
 * `.cache/abrupt-noise-v2/speech/<split>/<voice>/<nn>.wav`: espeak-ng or Festival → sox (trim
 * silence, pad 0.1 s, 16 kHz mono 16-bit, peak −8 dBFS). Skips files that exist. Called by the
 * benchmark when the cache is missing; run it by hand to prepare the cache.
 *
 * Run: node --import tsx scripts/synth-v2-speech.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { V2_SPEECH, type Voice, v2SpeechFile } from '../bench/lib/speech-v2.js';

function synth(v: Voice, text: string, wav: string): void {
  const tmp = `${wav}.${process.pid}.raw.wav`;
  const part = `${wav}.${process.pid}.part.wav`;
  if (v.engine === 'espeak-ng') {
    execFileSync('espeak-ng', ['-v', v.voice, '-s', String(v.speed), '-p', String(v.pitch), '-w', tmp, text]);
  } else {
    execFileSync('text2wave', ['-o', tmp, '-eval', `(${v.voice})`], { input: text });
  }
  execFileSync('sox', [
    '-R',
    tmp,
    '-e',
    'signed-integer',
    '-b',
    '16',
    part,
    'gain',
    '-6',
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
    'rate',
    '-v',
    '16000',
    'channels',
    '1',
    'norm',
    '-8',
  ]);
  rmSync(tmp, { force: true });
  renameSync(part, wav);
}

for (const split of ['validation', 'test'] as const) {
  const spec = V2_SPEECH[split];
  for (const v of spec.voices) {
    spec.texts.forEach((text, i) => {
      const wav = v2SpeechFile(split, v.name, i);
      if (existsSync(wav)) return;
      mkdirSync(dirname(wav), { recursive: true });
      synth(v, text, wav);
    });
  }
}
