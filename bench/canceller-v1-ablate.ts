/**
 * Why does the two-path canceller trail the v1 default on abrupt-noise-v1? One change at a time
 * from the v2 pick, scored on the v1 VALIDATION split (makeScenario seed 20260401, 16 kHz, one mild
 * change per clip; never the test split), against the v1 default (one-path FD-Adamax+EMA, 512 taps).
 * Prints a markdown table (medians over clips).
 *
 * Run: node --import tsx bench/canceller-v1-ablate.ts [--clips N] [--config JSON]
 */
import { makeScenario } from '../src/signal/abrupt-noise-scenario.js';
import { makeFdAdamax, runClip } from './lib/reference-methods.js';
import { median, scoreClip } from './lib/reference-metrics.js';
import { loadSpeechFixtures } from './lib/speech.js';
import { CANCELLER_METHOD, type CancellerKnobs, makeCanceller, V1_DEFAULT_FD } from './lib/v2-methods.js';

const argv = process.argv.slice(2);
const clips = argv.includes('--clips') ? Number(argv[argv.indexOf('--clips') + 1]) : 8;
const base: CancellerKnobs = {
  ...(CANCELLER_METHOD.seedConfig as CancellerKnobs),
  ...(argv.includes('--config') ? JSON.parse(argv[argv.indexOf('--config') + 1]) : {}),
};
const speech = loadSpeechFixtures();
const scenes = Array.from({ length: clips }, (_, index) =>
  makeScenario({ seed: 20260401, split: 'validation', index, speech, sampleRate: 16000, track: 'reference' }),
);
const variants: [string, Partial<CancellerKnobs>][] = [
  ['v2 pick (64 ms)', {}],
  ['filter 32 ms (v1 length)', { filterMs: 32 }],
  ['no convex combination', { combination: 'none' }],
  ['no copy boost', { copyBoost: 1 }],
  ['foreground lr ×0.5', { fgLr: base.fgLr / 2 }],
  ['foreground lr ×2', { fgLr: base.fgLr * 2 }],
  ['foreground β2 1 s', { fgBeta2Seconds: 1 }],
  ['background lr ×0.5', { lr: base.lr / 2 }],
  ['background β2 0.25 s', { beta2Seconds: 0.25 }],
  ['copy threshold 3 dB', { copyDb: 3 }],
  ['copy threshold 10 dB (rare copies)', { copyDb: 10 }],
  ['level normalisation off', { levelNormalization: 'off' }],
  ["level ratio from the primary's power", { levelNormalization: 'primary' }],
  ['foreground = EMA (0.3 s) of the background', { foreground: 'ema', emaSeconds: 0.3 }],
  ['no restart from zero', { restartDb: 0 }],
  ['start-up and restart lr boost ×4', { restartBoost: 4 }],
  ['start-up and restart lr boost ×16, restart at 3 dB', { restartBoost: 16, restartDb: 3 }],
  ['foreground lr ×0.5 and β2 1 s', { fgLr: base.fgLr / 2, fgBeta2Seconds: 1 }],
  ["no coherence of the background's error", { coherenceSeconds: 0 }],
  ['coherence: level term only (no lr boost)', { coherenceBoost: 0 }],
  ['coherence: lr boost 2', { coherenceBoost: 2 }],
  ['coherence: lr boost 8', { coherenceBoost: 8 }],
  ['coherence over 0.2 s', { coherenceSeconds: 0.2 }],
];
const f2 = (v: number): string => v.toFixed(2);
console.log(`abrupt-noise-v1 VALIDATION split, ${clips} clips, 16 kHz (medians, dB):\n`);
console.log('| variant | SI-SDR whole | SI-SDR 2 s post-change |');
console.log('|---|---|---|');
const v1 = scenes.map((sc) =>
  scoreClip(
    sc,
    runClip(
      makeFdAdamax({ sampleRate: 16000, blockSize: 64, taps: 512, rlsTaps: 32 }, V1_DEFAULT_FD),
      sc.primary,
      sc.reference!,
    ),
  ),
);
console.log(
  `| v1 default (one-path FD-Adamax+EMA, 512 taps) | ${f2(median(v1.map((c) => c.siSdr)))} | ${f2(median(v1.map((c) => c.siSdrPost)))} |`,
);
for (const [name, v] of variants) {
  const s = scenes.map((sc) =>
    scoreClip(sc, runClip(makeCanceller(16000, { ...base, ...v }), sc.primary, sc.reference!)),
  );
  console.log(`| ${name} | ${f2(median(s.map((c) => c.siSdr)))} | ${f2(median(s.map((c) => c.siSdrPost)))} |`);
}
