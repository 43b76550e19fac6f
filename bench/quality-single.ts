import { fileURLToPath } from 'node:url';
import { RnnoiseDenoiser } from '../src/models/baselines/rnnoise-denoiser.js';
import { WienerDenoiser, type WienerDenoiserOptions } from '../src/models/baselines/wiener-denoiser.js';
import { createSingleChannelDenoiser } from '../src/models/create-single-channel-denoiser.js';
import type { OnlineDenoiser } from '../src/models/online-denoiser.js';
import { type SingleChannelOverrides, singleChannelConfig } from '../src/models/single-channel-config.js';
import { makeScenario, type Scenario } from '../src/signal/abrupt-noise-scenario.js';
import { segmentalSnr } from '../src/signal/segmental-snr.js';
import { siSdr } from '../src/signal/si-sdr.js';
import { stoi } from '../src/signal/stoi.js';
import { writeMarkedSection } from './lib/benchmarks-md.js';
import { loadSpeechFixtures } from './lib/speech.js';

export interface SingleTrackOptions {
  /** Small run (a few clips) for smoke tests. */
  readonly quick?: boolean;
  /** Number of clips per split (default 48 validation / 48 test; quick 4 / 8). */
  readonly clips?: { readonly validation?: number; readonly test?: number };
  /** Base seed of the scenario generator. Default 2024. */
  readonly seed?: number;
  /** Progress messages (default: none). */
  readonly log?: (message: string) => void;
}

type MethodName = 'online' | 'wiener' | 'rnnoise';

interface Candidate {
  readonly label: string;
  readonly settings: Record<string, unknown>;
  /** Enhance one clip. */
  readonly run: (noisy: Float32Array, fs: number, cache: Map<string, Float32Array>) => Promise<Float32Array>;
}

export interface ClipScore {
  readonly id: string;
  readonly changeKind: string;
  readonly noiseBefore: string;
  readonly noiseAfter: string;
  readonly inputSnrDb: number;
  readonly siSdri: number;
  readonly segSnri: number;
  readonly stoi: number;
  readonly stoiInput: number;
  readonly postChangeSnri: number;
  readonly finite: boolean;
}

export interface MethodResult {
  readonly method: MethodName;
  readonly chosen: string;
  readonly settings: Record<string, unknown>;
  readonly validationMedian: number;
  readonly validationGrid: readonly { label: string; median: number }[];
  readonly test: readonly ClipScore[];
}

export interface SingleTrackResult {
  readonly command: string;
  readonly validationClips: number;
  readonly testClips: number;
  readonly seconds: number;
  readonly methods: readonly MethodResult[];
  readonly rnnoiseAvailable: boolean;
  readonly markdown: string;
}

// ---------------------------------------------------------------------------------------------
// Grids: the same number of points (6) for every method.

const SHARED_GAIN = { ddAlpha: 0.95, gainFloorDb: -25 } as const;

/**
 * Tracker settings shared by every online grid point (chosen on the validation split, 48 clips, dev runs);
 * the rise detector is on (its built-in default) except for the v1 point.
 */
const ONLINE_TRACKER = { noiseBiasDb: -3, noiseSmoothing: 0.5, beta1: 0.5, beta2: 0.9 } as const;

/** The previous tracker settings (quantile model without smoothing), kept as one grid point. */
const ONLINE_TRACKER_V1 = {
  noiseBiasDb: -2,
  noiseSmoothing: 0,
  riseDetector: null,
  beta1: 0.5,
  beta2: 0.95,
} as const;

/**
 * The online denoiser of one grid point, through the one factory (`createSingleChannelDenoiser`)
 * from `SINGLE_CHANNEL_DEFAULTS` with the point's knobs on top: the point equal to the defaults is
 * exactly what the CLI runs.
 */
export function onlineDenoiserAt(overrides: SingleChannelOverrides = {}): OnlineDenoiser {
  return createSingleChannelDenoiser(singleChannelConfig(overrides));
}

/** The factory overrides of an online grid point. */
export function onlinePoint(
  learningRate: number,
  quantile: number,
  gainRule: 'wiener' | 'omlsa',
  trackerSettings: typeof ONLINE_TRACKER | typeof ONLINE_TRACKER_V1,
): SingleChannelOverrides {
  const { beta1, beta2, ...tracker } = trackerSettings;
  return {
    model: { ...SHARED_GAIN, ...tracker, quantile, gainRule },
    optimizer: { learning_rate: learningRate, beta_1: beta1, beta_2: beta2 },
  };
}

export function onlineGrid(): (Candidate & { readonly overrides: SingleChannelOverrides })[] {
  const out: (Candidate & { readonly overrides: SingleChannelOverrides })[] = [];
  type Point = [number, number, 'wiener' | 'omlsa', typeof ONLINE_TRACKER | typeof ONLINE_TRACKER_V1, string];
  const points: Point[] = [];
  for (const quantile of [0.2, 0.3]) {
    for (const gainRule of ['wiener', 'omlsa'] as const) points.push([0.15, quantile, gainRule, ONLINE_TRACKER, '']);
  }
  points.push([0.25, 0.3, 'omlsa', ONLINE_TRACKER, '']);
  points.push([0.15, 0.2, 'wiener', ONLINE_TRACKER_V1, ' (v1 tracker)']);
  for (const [learningRate, quantile, gainRule, trackerSettings, tag] of points) {
    const overrides = onlinePoint(learningRate, quantile, gainRule, trackerSettings);
    const den = onlineDenoiserAt(overrides);
    out.push({
      label: `${gainRule} lr=${learningRate} τ=${quantile}${tag}`,
      settings: { ...SHARED_GAIN, ...trackerSettings, quantile, gainRule, learningRate },
      overrides,
      run: async (x, fs) => den.process(x, fs),
    });
  }
  return out;
}

function wienerGrid(): Candidate[] {
  const out: Candidate[] = [];
  for (const windowSec of [0.8, 1.5]) {
    for (const noiseBiasDb of [-2, 0, 2]) {
      const settings: WienerDenoiserOptions = { ...SHARED_GAIN, windowSec, noiseBiasDb };
      const den = new WienerDenoiser(settings);
      out.push({
        label: `D=${windowSec}s bias=${noiseBiasDb}dB`,
        settings: { ...settings },
        run: async (x, fs) => den.process(x, fs),
      });
    }
  }
  return out;
}

/** RNNoise runs once per clip; the strength (dry/wet mix) is applied afterwards, which is exact (linear). */
function rnnoiseGrid(): Candidate[] {
  const rn = new RnnoiseDenoiser();
  return [1, 0.95, 0.9, 0.85, 0.8, 0.7].map((strength) => ({
    label: `strength=${strength}`,
    settings: { strength },
    run: async (x: Float32Array, fs: number, cache: Map<string, Float32Array>) => {
      let wet = cache.get('rnnoise');
      if (!wet) {
        wet = await rn.process(x, fs);
        cache.set('rnnoise', wet);
      }
      if (strength === 1) return wet;
      const y = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) y[i] = strength * wet[i]! + (1 - strength) * x[i]!;
      return y;
    },
  }));
}

// ---------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function segmentSnr(clean: Float32Array, est: Float32Array, from: number, to: number): number {
  let s = 0;
  let e = 0;
  for (let i = from; i < to; i++) {
    s += clean[i]! * clean[i]!;
    const d = clean[i]! - est[i]!;
    e += d * d;
  }
  return 10 * Math.log10((s + 1e-20) / (e + 1e-20));
}

function allFinite(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

function score(sc: Scenario, y: Float32Array, full: boolean, inputStoi: number): ClipScore {
  const fs = sc.sampleRate;
  const finite = allFinite(y);
  const safe = finite ? y : new Float32Array(y.length);
  const a = sc.changeAt;
  const b = Math.min(sc.clean.length, a + fs);
  return {
    id: sc.id,
    changeKind: sc.changeKind,
    noiseBefore: sc.noiseBefore,
    noiseAfter: sc.noiseAfter,
    inputSnrDb: sc.inputSnrDb,
    siSdri: siSdr(sc.clean, safe) - siSdr(sc.clean, sc.primary),
    segSnri: full ? segmentalSnr(sc.clean, safe, fs) - segmentalSnr(sc.clean, sc.primary, fs) : Number.NaN,
    stoi: full ? stoi(sc.clean, safe, fs) : Number.NaN,
    stoiInput: inputStoi,
    postChangeSnri: segmentSnr(sc.clean, safe, a, b) - segmentSnr(sc.clean, sc.primary, a, b),
    finite,
  };
}

/** Groups used in the report: noise type (either side of the change) and kind of change. */
const GROUPS: readonly { name: string; test: (c: ClipScore) => boolean }[] = [
  { name: 'all', test: () => true },
  { name: 'hum', test: (c) => c.noiseBefore === 'hum' || c.noiseAfter === 'hum' },
  { name: 'brown', test: (c) => c.noiseBefore === 'brown' || c.noiseAfter === 'brown' },
  {
    name: 'abrupt switches (level ±, colour, type)',
    test: (c) => c.changeKind !== 'path',
  },
  { name: 'level +10 dB', test: (c) => c.changeKind === 'level+10' },
  { name: 'level −20 dB', test: (c) => c.changeKind === 'level-20' },
  { name: 'colour / type', test: (c) => c.changeKind === 'colour' || c.changeKind === 'type' },
  {
    name: 'others (white/pink/babble only)',
    test: (c) => !['hum', 'brown'].includes(c.noiseBefore) && !['hum', 'brown'].includes(c.noiseAfter),
  },
];

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

export async function runSingleTrack(options: SingleTrackOptions = {}): Promise<SingleTrackResult> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const quick = options.quick ?? false;
  const nVal = options.clips?.validation ?? (quick ? 4 : 48);
  const nTest = options.clips?.test ?? (quick ? 8 : 48);
  const seed = options.seed ?? 2024;
  const fs = 16000;
  const speech = loadSpeechFixtures();
  const make = (split: 'validation' | 'test', index: number): Scenario =>
    makeScenario({ seed, split, index, speech, sampleRate: fs, track: 'single' });

  let rnnoiseAvailable = true;
  try {
    await RnnoiseDenoiser.available();
  } catch {
    rnnoiseAvailable = false;
  }
  const grids: [MethodName, Candidate[]][] = [
    ['online', onlineGrid()],
    ['wiener', wienerGrid()],
  ];
  if (rnnoiseAvailable) grids.push(['rnnoise', rnnoiseGrid()]);

  // 1. validation: every grid point on every validation clip (whole-clip SI-SDRi only)
  const valScores = new Map<string, number[]>();
  for (let i = 0; i < nVal; i++) {
    const sc = make('validation', i);
    const base = siSdr(sc.clean, sc.primary);
    for (const [name, grid] of grids) {
      const cache = new Map<string, Float32Array>();
      for (const cand of grid) {
        const y = await cand.run(sc.primary, fs, cache);
        const v = allFinite(y) ? siSdr(sc.clean, y) - base : -100;
        const key = `${name}|${cand.label}`;
        const arr = valScores.get(key) ?? [];
        arr.push(v);
        valScores.set(key, arr);
      }
    }
    log(`validation ${i + 1}/${nVal}`);
  }
  const chosen = grids.map(([name, grid]) => {
    const rows = grid.map((c) => ({ label: c.label, median: median(valScores.get(`${name}|${c.label}`) ?? []) }));
    let best = 0;
    for (let j = 1; j < rows.length; j++) if (rows[j]!.median > rows[best]!.median) best = j;
    return { name, cand: grid[best]!, rows, best: rows[best]!.median };
  });

  // 2. test: the chosen setting of each method
  const testScores = new Map<MethodName, ClipScore[]>(chosen.map((c) => [c.name, []]));
  for (let i = 0; i < nTest; i++) {
    const sc = make('test', i);
    const inputStoi = stoi(sc.clean, sc.primary, fs);
    for (const c of chosen) {
      const y = await c.cand.run(sc.primary, fs, new Map());
      testScores.get(c.name)!.push(score(sc, y, true, inputStoi));
    }
    log(`test ${i + 1}/${nTest}`);
  }

  const methods: MethodResult[] = chosen.map((c) => ({
    method: c.name,
    chosen: c.cand.label,
    settings: c.cand.settings,
    validationMedian: c.best,
    validationGrid: c.rows,
    test: testScores.get(c.name)!,
  }));
  const seconds = (performance.now() - t0) / 1000;
  const command = `node --import tsx bench/quality-single.ts${quick ? ' --quick' : ''}${options.clips?.validation !== undefined ? ` --validation ${nVal}` : ''}${options.clips?.test !== undefined ? ` --test ${nTest}` : ''} --write`;
  const markdown = renderMarkdown(methods, { command, nVal, nTest, seconds, seed, rnnoiseAvailable });
  return { command, validationClips: nVal, testClips: nTest, seconds, methods, rnnoiseAvailable, markdown };
}

function renderMarkdown(
  methods: readonly MethodResult[],
  meta: { command: string; nVal: number; nTest: number; seconds: number; seed: number; rnnoiseAvailable: boolean },
): string {
  const by = new Map(methods.map((m) => [m.method, m]));
  const title: Record<MethodName, string> = {
    online: 'OnlineDenoiser (Adamax, learned quantile noise model)',
    wiener: 'Wiener + minimum statistics',
    rnnoise: 'RNNoise (@jitsi/rnnoise-wasm)',
  };
  const L: string[] = [];
  L.push('## Single-channel track (abrupt-noise-v1, `track: single`)');
  L.push('');
  L.push(`Command: \`${meta.command}\` — ${meta.nVal} validation clips (tuning), ${meta.nTest} test clips`);
  L.push(
    `(scenario seed ${meta.seed}, 16 kHz, 8–10 s, input SNR 0–5 dB, one abrupt change at 40–60 %), ${meta.seconds.toFixed(0)} s on this machine.`,
  );
  L.push(
    'Each method gets a 6-point grid of its main knobs, tuned on the validation split by median SI-SDRi; the chosen setting is scored on the test split. All methods are causal and start from a fresh state per clip; the online denoiser is scored prequentially (test-then-train per hop).',
  );
  L.push(
    'Fairness notes: the Wiener baseline uses the decision-directed Wiener gain (α = 0.95, floor −25 dB) and the same STFT as the online denoiser; the online grid chooses between the same Wiener gain and the OM-LSA gain (Cohen & Berdugo 2001, same α and floor), so with `wiener` only the noise tracker differs (minimum statistics vs the Adamax-learned quantile model). RNNoise runs once per clip; its strength (dry/wet mix) grid is applied afterwards, which is exact because the mix is linear.',
  );
  if (!meta.rnnoiseAvailable) L.push('', '**RNNoise could not be loaded; its rows are missing.**');
  L.push('');
  L.push('Tuned settings (validation median SI-SDRi):');
  L.push('');
  for (const m of methods) {
    L.push(
      `- ${title[m.method]}: \`${m.chosen}\` (${fmt(m.validationMedian)} dB) — grid: ${m.validationGrid.map((r) => `${r.label} ${fmt(r.median, 1)}`).join('; ')}`,
    );
  }
  L.push('');
  L.push('Test split, medians (dB unless noted):');
  L.push('');
  L.push('| method | SI-SDRi | segSNRi | STOI (input → output) | SNRi 1st s after change | non-finite |');
  L.push('|---|---|---|---|---|---|');
  for (const m of methods) {
    const t = m.test;
    L.push(
      `| ${title[m.method]} | ${fmt(median(t.map((c) => c.siSdri)))} | ${fmt(median(t.map((c) => c.segSnri)))} | ${fmt(median(t.map((c) => c.stoiInput)), 3)} → ${fmt(median(t.map((c) => c.stoi)), 3)} | ${fmt(median(t.map((c) => c.postChangeSnri)))} | ${t.filter((c) => !c.finite).length}/${t.length} |`,
    );
  }
  L.push('');
  L.push('Median SI-SDRi by group (test split; n = clips in the group):');
  L.push('');
  L.push(`| group | n | ${methods.map((m) => m.method).join(' | ')} |`);
  L.push(`|---|---|${methods.map(() => '---').join('|')}|`);
  for (const g of GROUPS) {
    const n = methods[0]?.test.filter(g.test).length ?? 0;
    L.push(
      `| ${g.name} | ${n} | ${methods.map((m) => fmt(median(m.test.filter(g.test).map((c) => c.siSdri)))).join(' | ')} |`,
    );
  }
  L.push('');
  // targets
  const on = by.get('online');
  const wi = by.get('wiener');
  const rn = by.get('rnnoise');
  const med = (m: MethodResult | undefined, g: (c: ClipScore) => boolean): number =>
    m ? median(m.test.filter(g).map((c) => c.siSdri)) : Number.NaN;
  const all = GROUPS[0]!.test;
  const checks: [string, number, number][] = [];
  checks.push(['SI-SDRi ≥ 6 dB (all test clips, 0–5 dB input)', med(on, all), 6]);
  checks.push(['SI-SDRi ≥ Wiener + 4 dB', med(on, all), med(wi, all) + 4]);
  for (const g of GROUPS.slice(1, 4)) checks.push([`SI-SDRi ≥ RNNoise on ${g.name}`, med(on, g.test), med(rn, g.test)]);
  L.push('Targets (online denoiser, test medians):');
  L.push('');
  L.push('| target | online | bar | met |');
  L.push('|---|---|---|---|');
  for (const [name, v, bar] of checks) {
    const met = Number.isFinite(bar) ? (v >= bar ? 'yes' : '**no (miss)**') : 'n/a';
    L.push(`| ${name} | ${fmt(v)} | ${fmt(bar)} | ${met} |`);
  }
  return L.join('\n');
}

function writeSection(markdown: string): string {
  return writeMarkedSection('quality-single', markdown);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const num = (flag: string): number | undefined => {
    const k = args.indexOf(flag);
    return k >= 0 ? Number(args[k + 1]) : undefined;
  };
  const v = num('--validation');
  const t = num('--test');
  const clips = { ...(v !== undefined ? { validation: v } : {}), ...(t !== undefined ? { test: t } : {}) };
  const result = await runSingleTrack({
    quick: args.includes('--quick'),
    clips,
    log: (m) => process.stderr.write(`\r${m}   `),
  });
  process.stderr.write('\n');
  console.log(result.markdown);
  if (args.includes('--write')) console.log(`\nwrote ${writeSection(result.markdown)}`);
}
