/**
 * v1 no-regression check of the two-path canceller: the abrupt-noise-v1 TEST split (makeScenario
 * seed 20260401, 16 kHz, one change per clip) through the v2 validation pick (built by the factory
 * as the CLI would) and through the v1 default (one-path FD-Adamax+EMA, 512 taps,
 * the row of the v1 table), with the v1 metrics.
 *
 * Run: node --import tsx bench/canceller-v1-check.ts [--clips N] [--config JSON]
 */
import type { AdaptiveFilter } from '../src/models/adaptive-filter.js';
import { makeScenario } from '../src/signal/abrupt-noise-scenario.js';
import { makeFdAdamax, runClip } from './lib/reference-methods.js';
import { median, quantile, scoreClip } from './lib/reference-metrics.js';
import { loadSpeechFixtures } from './lib/speech.js';
import { CANCELLER_METHOD, type CancellerKnobs, makeCanceller, V1_DEFAULT_FD } from './lib/v2-methods.js';

const argv = process.argv.slice(2);
const clips = argv.includes('--clips') ? Number(argv[argv.indexOf('--clips') + 1]) : 24;
// --config JSON: the two-path knobs to check (default: the v2 hand seed, i.e. the validation pick when it won)
const knobs: CancellerKnobs = argv.includes('--config')
  ? { ...(CANCELLER_METHOD.seedConfig as CancellerKnobs), ...JSON.parse(argv[argv.indexOf('--config') + 1]) }
  : (CANCELLER_METHOD.seedConfig as CancellerKnobs);
const filterMs = knobs.filterMs ?? 64;
const speech = loadSpeechFixtures();
const scenes = Array.from({ length: clips }, (_, index) =>
  makeScenario({ seed: 20260401, split: 'test', index, speech, sampleRate: 16000, track: 'reference' }),
);
const methods: [string, () => AdaptiveFilter][] = [
  [`two-path (v2 validation pick, ${filterMs} ms)`, () => makeCanceller(16000, knobs)],
  [`two-path, the same with a 32 ms filter (v1's length)`, () => makeCanceller(16000, { ...knobs, filterMs: 32 })],
  [
    'v1 default (FD-Adamax+EMA, 512 taps)',
    () => makeFdAdamax({ sampleRate: 16000, blockSize: 64, taps: 512, rlsTaps: 32 }, V1_DEFAULT_FD),
  ],
];
console.log(`abrupt-noise-v1 test split, ${clips} clips, 16 kHz (medians; T10 in ms):\n`);
console.log('| method | SI-SDR whole | SI-SDR 2 s post-change | T10 median / p90 | post −20 dB drop | diverged |');
console.log('|---|---|---|---|---|---|');
for (const [name, make] of methods) {
  const s = scenes.map((sc) => scoreClip(sc, runClip(make(), sc.primary, sc.reference!)));
  const drop = s.filter((c) => c.changeKind === 'level-20').map((c) => c.siSdrPost);
  const ms = (v: number): string => (Number.isFinite(v) ? (1000 * v).toFixed(0) : '∞');
  console.log(
    `| ${name} | ${median(s.map((c) => c.siSdr)).toFixed(2)} | ${median(s.map((c) => c.siSdrPost)).toFixed(2)} | ${ms(median(s.map((c) => c.t10)))} / ${ms(
      quantile(
        s.map((c) => c.t10),
        0.9,
      ),
    )} | ${median(drop).toFixed(2)} | ${s.filter((c) => c.diverged).length} |`,
  );
}
