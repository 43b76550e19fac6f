/**
 * Validation-only comparison of speech-prior variants (dev script; never reads the test split).
 *
 *   npx tsx scripts/prior/validate-prior.ts [--validation 2] [--weights a.ts,b.ts] [--lr 0,0.0005] [--floor -40] [--room] [--online]
 *
 * Scores each weights module (the bundled one when --weights is absent; a module written by
 * `scripts/train-prior.ts --write --out file.ts`) × each adaptation learning rate (0 = prior only)
 * on the single-channel v2 benchmark's VALIDATION clips (held-out sentences of the training voices,
 * the same clips the benchmark tunes on), and the prior-free OnlineDenoiser (tracker only) as a
 * reference. Prints the median SI-SDR improvement overall and per noise kind. `--room` first passes
 * each clip's noise through a random room-like path of 2–43 ms (same power; seeded): room-coloured
 * noise, which the training mixtures do not contain.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clips } from '../../bench/quality-single-v2.js';
import { Random } from '../../src/core/random.js';
import { SINGLE_CHANNEL_DEFAULTS } from '../../src/models/defaults/single-channel-defaults.js';
import { OnlineDenoiser } from '../../src/models/online-denoiser.js';
import type { PriorWeights } from '../../src/models/prior/prior-weights-codec.js';
import { bundledPriorWeights, PriorDenoiser } from '../../src/models/prior-denoiser.js';
import { fftConvolve, roomPath } from '../../src/signal/abrupt-noise-v2-scene.js';
import { NOISY_SPEECH_KINDS } from '../../src/signal/noisy-speech-scenario.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { loadPriorWeightsModule } from './load-prior-weights-module.js';
import { speechCorpus } from './speech-corpus.js';

const args = process.argv.slice(2);
const arg = (flag: string, d: string): string => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1]! : d;
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const speech = speechCorpus(join(root, '.tmp', 'prior-speech'), 'validation', 16, 9);
const plain = clips('validation', Number(arg('--validation', '2')), speech, 31);
const val = args.includes('--room') ? plain.map(withRoomNoise(new Random(99))) : plain;
const floor = Number(arg('--floor', '-40'));
const lrs = arg('--lr', '0').split(',').map(Number);

/** The clip with its noise (noisy − clean) through a random room-like path, rescaled to its power. */
function withRoomNoise(rng: Random) {
  return <C extends { clean: Float32Array; noisy: Float32Array; sampleRate: number }>(c: C): C => {
    const n = c.noisy.map((v, i) => v - c.clean[i]!);
    const y = fftConvolve(n, roomPath(rng, 2 + 41 * rng.next(), c.sampleRate));
    let pn = 0;
    let py = 0;
    for (let i = 0; i < n.length; i++) {
      pn += n[i]! ** 2;
      py += y[i]! ** 2;
    }
    const g = Math.sqrt(pn / (py + 1e-30));
    return { ...c, noisy: c.clean.map((v, i) => v + g * y[i]!) };
  };
}

async function load(file: string): Promise<PriorWeights> {
  if (file === 'bundled') return bundledPriorWeights();
  return (await loadPriorWeightsModule(file)).weights;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};
const report = (name: string, run: (x: Float32Array, fs: number) => Float32Array): void => {
  const by = new Map<string, number[]>();
  const all: number[] = [];
  for (const c of val) {
    const v = siSdr(c.clean, run(c.noisy, c.sampleRate)) - siSdr(c.clean, c.noisy);
    all.push(v);
    by.set(c.kind, [...(by.get(c.kind) ?? []), v]);
  }
  const kinds = NOISY_SPEECH_KINDS.map((k) => `${k} ${median(by.get(k)!).toFixed(2)}`).join(', ');
  console.log(`${name}: median ${median(all).toFixed(2)} dB (${val.length} clips) — ${kinds}`);
};

for (const file of arg('--weights', 'bundled').split(',')) {
  const weights = await load(file);
  for (const lr of lrs) {
    const den = new PriorDenoiser({
      weights,
      gainFloorDb: floor,
      adaptation: lr === 0 ? null : { ...SINGLE_CHANNEL_DEFAULTS.prior.adaptation, learningRate: lr },
    });
    report(`${file} lr ${lr}`, (x, fs) => den.process(x, fs));
  }
}
if (args.includes('--online')) {
  const den = new OnlineDenoiser({ ...SINGLE_CHANNEL_DEFAULTS.online, gainFloorDb: -20 });
  report('online (tracker only)', (x, fs) => den.process(x, fs));
}
