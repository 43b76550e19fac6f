/**
 * Single-channel benchmark v2: noise kinds × 16/48 kHz, speaker- and text-disjoint splits.
 *
 *   node --import tsx bench/quality-single-v2.ts [--validation 2] [--test 6] [--write]
 *
 * - TEST speech: the committed fixtures (test/fixtures/speech: eSpeak NG voices, Harvard sentences),
 *   never used for training or tuning; babble is made of the other test talkers.
 * - VALIDATION speech (tuning of every method): held-out sentences of the training voices
 *   (scripts/prior/speech-corpus.ts, synthesised once into .tmp/prior-speech; needs Festival,
 *   espeak-ng and sox).
 * - Noise kinds: stationary, hum, brown, babble, bursts, level jumps, drifting colour; SNR 0–10 dB.
 * - Methods, each with a 6-point grid tuned on validation by median SI-SDRi: prior + adaptation,
 *   prior only, OnlineDenoiser (prior-free), Wiener + minimum statistics, RNNoise.
 * Prints markdown; with --write replaces its section of BENCHMARKS.md. Never rewrites source.
 */
import { fileURLToPath } from 'node:url';
import { RnnoiseDenoiser } from '../src/models/baselines/rnnoise-denoiser.js';
import { WienerDenoiser } from '../src/models/baselines/wiener-denoiser.js';
import { SINGLE_CHANNEL_DEFAULTS } from '../src/models/defaults/single-channel-defaults.js';
import { OnlineDenoiser } from '../src/models/online-denoiser.js';
import { PriorDenoiser } from '../src/models/prior-denoiser.js';
import { makeNoisySpeech, NOISY_SPEECH_KINDS, type NoisySpeech } from '../src/signal/noisy-speech-scenario.js';
import { resample } from '../src/signal/resample.js';
import { siSdr } from '../src/signal/si-sdr.js';
import { stoi } from '../src/signal/stoi.js';
import { writeMarkedSection } from './lib/benchmarks-md.js';
import { loadSpeechFixtures } from './lib/speech.js';

type Method = 'prior+adapt' | 'prior' | 'online' | 'wiener' | 'rnnoise';
interface Candidate {
  readonly label: string;
  readonly run: (x: Float32Array, fs: number, cache: Map<string, Float32Array>) => Promise<Float32Array>;
}
export interface Score {
  readonly kind: string;
  readonly fs: number;
  readonly siSdri: number;
  readonly stoiIn: number;
  readonly stoiOut: number;
  readonly finite: boolean;
}

const RATES = [16000, 48000] as const;

/** The tuning grid of every method (the candidates the benchmark scores on validation). */
export function grids(rnnoise: boolean): [Method, Candidate[]][] {
  const prior = (floor: number, adapt: boolean, lr = 0.002): Candidate => {
    const den = new PriorDenoiser({ gainFloorDb: floor, adaptation: adapt ? { learningRate: lr } : null });
    return {
      label: adapt ? `floor ${floor} dB, lr ${lr}` : `floor ${floor} dB`,
      run: async (x, fs) => den.process(x, fs),
    };
  };
  const out: [Method, Candidate[]][] = [
    ['prior+adapt', [-20, -30, -40].flatMap((f) => [prior(f, true, 0.0002), prior(f, true, 0.0005)])],
    ['prior', [-15, -20, -25, -30, -40, -50].map((f) => prior(f, false))],
    [
      'online',
      [0.2, 0.3].flatMap((quantile) =>
        [-20, -25, -30].map((gainFloorDb) => {
          const den = new OnlineDenoiser({ ...SINGLE_CHANNEL_DEFAULTS.online, quantile, gainFloorDb });
          return {
            label: `τ ${quantile}, floor ${gainFloorDb} dB`,
            run: async (x: Float32Array, fs: number) => den.process(x, fs),
          };
        }),
      ),
    ],
    [
      'wiener',
      [0.8, 1.5].flatMap((windowSec) =>
        [-2, 0, 2].map((noiseBiasDb) => {
          const den = new WienerDenoiser({ ddAlpha: 0.95, gainFloorDb: -25, windowSec, noiseBiasDb });
          return {
            label: `D ${windowSec} s, bias ${noiseBiasDb} dB`,
            run: async (x: Float32Array, fs: number) => den.process(x, fs),
          };
        }),
      ),
    ],
  ];
  if (rnnoise) {
    const rn = new RnnoiseDenoiser();
    out.push([
      'rnnoise',
      [1, 0.95, 0.9, 0.85, 0.8, 0.7].map((strength) => ({
        label: `strength ${strength}`,
        run: async (x: Float32Array, fs: number, cache: Map<string, Float32Array>) => {
          let wet = cache.get('rnnoise');
          if (!wet) {
            wet = await rn.process(x, fs);
            cache.set('rnnoise', wet);
          }
          const y = new Float32Array(x.length);
          for (let i = 0; i < x.length; i++) y[i] = strength * wet[i]! + (1 - strength) * x[i]!;
          return y;
        },
      })),
    ]);
  }
  return out;
}

function median(v: readonly number[]): number {
  if (v.length === 0) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function finite(y: Float32Array): boolean {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i]!)) return false;
  return true;
}

/** Clips of one split: every kind at both rates, `perCell` each. */
export function clips(
  split: 'validation' | 'test',
  perCell: number,
  speech16: Float32Array[],
  seed: number,
): NoisySpeech[] {
  const out: NoisySpeech[] = [];
  const cache = new Map<number, Float32Array[]>();
  const at = (fs: number): Float32Array[] => {
    let v = cache.get(fs);
    if (!v) {
      v = fs === 16000 ? speech16 : speech16.map((s) => resample(s, 16000, fs));
      cache.set(fs, v);
    }
    return v;
  };
  let n = 0;
  for (const fs of RATES) {
    for (const kind of NOISY_SPEECH_KINDS) {
      for (let i = 0; i < perCell; i++) {
        const sp = at(fs);
        // rotate: 3 target talkers, the rest babble (disjoint inside the clip)
        const r = (n * 3) % sp.length;
        const rot = [...sp.slice(r), ...sp.slice(0, r)];
        out.push(
          makeNoisySpeech({
            seed: seed + 7919 * n++ + (split === 'test' ? 0 : 1_000_003),
            kind,
            speech: rot.slice(0, 3),
            babbleVoices: rot.slice(3),
            sampleRate: fs,
            durationSec: 7,
            snrDb: [0, 10],
          }),
        );
      }
    }
  }
  return out;
}

export interface V2Result {
  readonly markdown: string;
  readonly test: Map<Method, Score[]>;
  readonly chosen: Map<Method, string>;
}

export async function runSingleV2(opts: {
  validation: number;
  test: number;
  validationSpeech: Float32Array[];
  log?: (m: string) => void;
}): Promise<V2Result> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  let rnnoise = true;
  try {
    await RnnoiseDenoiser.available();
  } catch {
    rnnoise = false;
  }
  const g = grids(rnnoise);
  const valClips = clips('validation', opts.validation, opts.validationSpeech, 31);
  const vals = new Map<string, number[]>();
  for (const [ci, c] of valClips.entries()) {
    const base = siSdr(c.clean, c.noisy);
    for (const [m, grid] of g) {
      const cache = new Map<string, Float32Array>();
      for (const cand of grid) {
        const y = await cand.run(c.noisy, c.sampleRate, cache);
        const key = `${m}|${cand.label}`;
        vals.set(key, [...(vals.get(key) ?? []), finite(y) ? siSdr(c.clean, y) - base : -100]);
      }
    }
    log(`validation ${ci + 1}/${valClips.length}`);
  }
  const chosen = new Map<Method, Candidate>();
  const gridText: string[] = [];
  for (const [m, grid] of g) {
    let best = grid[0]!;
    let bestV = Number.NEGATIVE_INFINITY;
    for (const cand of grid) {
      const v = median(vals.get(`${m}|${cand.label}`)!);
      if (v > bestV) {
        bestV = v;
        best = cand;
      }
    }
    chosen.set(m, best);
    gridText.push(
      `- ${m}: \`${best.label}\` (validation median ${bestV.toFixed(2)} dB) — grid: ${grid.map((c) => `${c.label} ${median(vals.get(`${m}|${c.label}`)!).toFixed(1)}`).join('; ')}`,
    );
  }
  const speechTest = loadSpeechFixtures();
  const testClips = clips('test', opts.test, speechTest, 2027);
  const test = new Map<Method, Score[]>(g.map(([m]) => [m, []]));
  for (const [ci, c] of testClips.entries()) {
    const base = siSdr(c.clean, c.noisy);
    const stoiIn = stoi(c.clean, c.noisy, c.sampleRate);
    for (const [m] of g) {
      const y = await chosen.get(m)!.run(c.noisy, c.sampleRate, new Map());
      const ok = finite(y);
      const safe = ok ? y : new Float32Array(y.length);
      test.get(m)!.push({
        kind: c.kind,
        fs: c.sampleRate,
        siSdri: siSdr(c.clean, safe) - base,
        stoiIn,
        stoiOut: stoi(c.clean, safe, c.sampleRate),
        finite: ok,
      });
    }
    log(`test ${ci + 1}/${testClips.length}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const markdown = render(test, gridText, { ...opts, seconds, nVal: valClips.length, nTest: testClips.length });
  return { markdown, test, chosen: new Map([...chosen].map(([m, c]) => [m, c.label])) };
}

function render(
  test: Map<Method, Score[]>,
  gridText: string[],
  meta: { validation: number; test: number; seconds: number; nVal: number; nTest: number },
): string {
  const methods = [...test.keys()];
  const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const med = (m: Method, sel: (s: Score) => boolean): number =>
    median(
      test
        .get(m)!
        .filter(sel)
        .map((s) => s.siSdri),
    );
  const L: string[] = [];
  L.push('## Single-channel v2: learned speech prior vs baselines (noise kinds × 16/48 kHz)');
  L.push('');
  L.push(
    `Command: \`node --import tsx bench/quality-single-v2.ts --validation ${meta.validation} --test ${meta.test} --write\` — ${meta.nVal} validation clips (tuning; held-out sentences of the training voices), ${meta.nTest} test clips (committed eSpeak NG test voices and Harvard sentences, never seen in training or tuning), 7 s each, SNR 0–10 dB, ${meta.seconds.toFixed(0)} s on this machine.`,
  );
  L.push(
    'Every method gets a 6-point grid tuned by validation median SI-SDRi; each clip starts from a fresh state; all methods are causal.',
  );
  L.push('');
  L.push(...gridText);
  L.push('');
  L.push(`Test median SI-SDR improvement (dB) by noise kind (n = ${meta.test} per kind and rate):`);
  L.push('');
  L.push(`| kind | ${methods.join(' | ')} |`);
  L.push(`|---|${methods.map(() => '---').join('|')}|`);
  const rows: [string, (s: Score) => boolean][] = [
    ['**all**', () => true],
    ...NOISY_SPEECH_KINDS.map((k): [string, (s: Score) => boolean] => [k, (s) => s.kind === k]),
    ...RATES.map((r): [string, (s: Score) => boolean] => [`all at ${r / 1000} kHz`, (s) => s.fs === r]),
  ];
  for (const [name, sel] of rows) L.push(`| ${name} | ${methods.map((m) => f(med(m, sel))).join(' | ')} |`);
  L.push('');
  L.push('| method | STOI input → output (median clip) | non-finite outputs |');
  L.push('|---|---|---|');
  for (const m of methods) {
    const t = test.get(m)!;
    L.push(
      `| ${m} | ${f(median(t.map((s) => s.stoiIn)), 3)} → ${f(median(t.map((s) => s.stoiOut)), 3)} (median Δ ${f(median(t.map((s) => s.stoiOut - s.stoiIn)), 3)}) | ${t.filter((s) => !s.finite).length}/${t.length} |`,
    );
  }
  L.push('');
  const lead: Method = 'prior+adapt';
  if (test.has('rnnoise')) {
    const checks: [string, number, number][] = [
      ['median ≥ RNNoise + 1 dB', med(lead, () => true), med('rnnoise', () => true) + 1],
    ];
    for (const k of NOISY_SPEECH_KINDS)
      checks.push([
        `${k} ≥ RNNoise − 0.5 dB`,
        med(lead, (s) => s.kind === k),
        med('rnnoise', (s) => s.kind === k) - 0.5,
      ]);
    for (const k of ['babble', 'bursts'])
      checks.push([
        `${k} ≥ online denoiser + 2 dB`,
        med(lead, (s) => s.kind === k),
        med('online', (s) => s.kind === k) + 2,
      ]);
    const t = test.get(lead)!;
    checks.push(['STOI median Δ ≥ 0', median(t.map((s) => s.stoiOut - s.stoiIn)), 0]);
    L.push(`Targets (${lead}, test medians):`);
    L.push('');
    L.push('| target | value | bar | met |');
    L.push('|---|---|---|---|');
    for (const [n, v, bar] of checks) L.push(`| ${n} | ${f(v, 3)} | ${f(bar, 3)} | ${v >= bar ? 'yes' : '**no**'} |`);
  } else L.push('**RNNoise could not be loaded; its column and the RNNoise targets are missing.**');
  return L.join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const num = (flag: string, d: number): number => {
    const k = args.indexOf(flag);
    return k >= 0 ? Number(args[k + 1]) : d;
  };
  const { speechCorpus } = await import('../scripts/prior/speech-corpus.js');
  const { join, dirname } = await import('node:path');
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '.tmp', 'prior-speech');
  const validationSpeech = speechCorpus(dir, 'validation', 16, 9);
  const r = await runSingleV2({
    validation: num('--validation', 2),
    test: num('--test', 6),
    validationSpeech,
    log: (m) => process.stderr.write(`\r${m}   `),
  });
  process.stderr.write('\n');
  console.log(r.markdown);
  if (args.includes('--write')) console.log(`\nwrote ${writeMarkedSection('quality-single-v2', r.markdown)}`);
}
