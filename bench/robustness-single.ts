/**
 * Robustness of the single-channel online denoiser with its defaults. Target: zero divergences over
 * 1,000 randomised clips, including near-silent input, 60 dB level jumps, DC offsets and clipped input.
 * Counts clips whose output holds a non-finite sample or is more than 10 dB louder than the input.
 *
 * Run: node --import tsx bench/robustness-single.ts [--clips N] [--seconds S] [--model online|prior] [--rate Hz]
 */
import { pathToFileURL } from 'node:url';
import { Random } from '../src/core/random.js';
import { createPriorDenoiser } from '../src/models/create-prior-denoiser.js';
import { createSingleChannelDenoiser } from '../src/models/create-single-channel-denoiser.js';
import { singleChannelConfig } from '../src/models/single-channel-config.js';

export interface RobustnessResult {
  readonly clips: number;
  readonly bad: number;
  readonly byKind: Record<string, { clips: number; bad: number }>;
}

const KINDS = ['near-silent', 'jump ±60 dB', 'DC offset', 'clipped', 'speech-like + noise', 'digital silence'] as const;

/** Runs `count` randomised clips of `seconds` at 16 kHz through a fresh default denoiser each. */
/** Single-channel models the robustness run covers. */
export type RobustnessModel = 'online' | 'prior';

/** A fresh default denoiser of `model`, built by the factory the CLI uses. */
function makeDenoiser(model: RobustnessModel): { process(x: Float32Array, fs: number): Float32Array } {
  return model === 'prior' ? createPriorDenoiser() : createSingleChannelDenoiser(singleChannelConfig());
}

/** Runs `count` randomised clips of `seconds` at `fs` (default 16 kHz) through a fresh default denoiser each. */
export function runSingleChannelRobustness(
  count = 1000,
  seconds = 0.5,
  seed = 7,
  model: RobustnessModel = 'online',
  fs = 16000,
): RobustnessResult {
  const rng = new Random(seed);
  const n = Math.round(seconds * fs);
  const byKind: Record<string, { clips: number; bad: number }> = {};
  for (const k of KINDS) byKind[k] = { clips: 0, bad: 0 };
  let bad = 0;
  for (let c = 0; c < count; c++) {
    const kind = KINDS[c % KINDS.length]!;
    const x = new Float32Array(n);
    const level = 10 ** (rng.uniform(-90, 0) / 20);
    const jumpAt = rng.int(0, n - 1);
    const jumpDb = rng.next() < 0.5 ? 60 : -60;
    const dc = rng.uniform(-0.5, 0.5);
    const gain = 10 ** (rng.uniform(0, 40) / 20);
    const f0 = rng.uniform(90, 250);
    for (let i = 0; i < n; i++) {
      let v = level * rng.gaussian();
      if (kind === 'near-silent') v = 1e-6 * rng.gaussian();
      else if (kind === 'jump ±60 dB' && i >= jumpAt) v *= 10 ** (jumpDb / 20);
      else if (kind === 'DC offset') v += dc;
      else if (kind === 'clipped')
        v = Math.max(-1, Math.min(1, (v + 0.3 * Math.sin((2 * Math.PI * f0 * i) / fs)) * gain));
      else if (kind === 'speech-like + noise')
        v += 0.2 * Math.sin((2 * Math.PI * f0 * i) / fs) * (0.5 + 0.5 * Math.sin(i / 800));
      else if (kind === 'digital silence') v = 0;
      x[i] = v;
    }
    const y = makeDenoiser(model).process(x, fs);
    let ex = 0;
    let ey = 0;
    let finite = y.length === n;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i]!)) finite = false;
      ex += x[i]! * x[i]!;
      ey += y[i]! * y[i]!;
    }
    const exploding = ey > 10 * ex + 1e-12;
    byKind[kind]!.clips++;
    if (!finite || exploding) {
      bad++;
      byKind[kind]!.bad++;
    }
  }
  return { clips: count, bad, byKind };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const num = (flag: string, d: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const t0 = performance.now();
  const model: RobustnessModel = argv[argv.indexOf('--model') + 1] === 'prior' ? 'prior' : 'online';
  const rate = num('--rate', 16000);
  const r = runSingleChannelRobustness(num('--clips', 1000), num('--seconds', 0.5), 7, model, rate);
  console.log(
    `single-channel robustness (${model}, ${rate} Hz): ${r.bad} bad of ${r.clips} clips (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  for (const [k, v] of Object.entries(r.byKind)) console.log(`  ${k}: ${v.bad}/${v.clips}`);
}
