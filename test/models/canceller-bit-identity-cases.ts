/**
 * The cases of the reference canceller's bit-identity test: a deterministic scene and a run that
 * hashes everything the canceller produces (see reference-canceller-bit-identity.test.ts).
 */
import { createHash } from 'node:crypto';
import { Random } from '../../src/core/random.js';
import { createReferenceCanceller } from '../../src/models/create-reference-canceller.js';
import type { ReferenceCanceller } from '../../src/models/reference-canceller.js';
import {
  type ReferenceCancellerOverrides,
  referenceCancellerConfig,
} from '../../src/models/reference-canceller-config.js';

/** `seconds` of primary d and reference x at `rate` (see the file's comment). */
export function bitIdentityScene(rate: number, seconds: number, seed: number): { d: Float32Array; x: Float32Array } {
  const n = Math.round(seconds * rate);
  const rng = new Random(seed);
  const taps = Math.round(0.02 * rate);
  const paths = [0, 1, 2].map(() => {
    const h = new Float64Array(taps);
    for (let k = 0; k < taps; k++) h[k] = rng.gaussian() * Math.exp(-k / (taps / 5)) * 0.3;
    return h;
  });
  const x = new Float32Array(n);
  let lp = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const seg = Math.floor(t);
    lp = seg % 2 ? 0.85 * lp + 0.15 * rng.gaussian() : rng.gaussian();
    const level = seg % 3 === 1 ? 0.25 : 1;
    const pause = t % 3 > 2.2 && t % 3 < 2.45 ? 1e-4 : 1;
    x[i] = 0.1 * level * pause * lp;
  }
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    // path 0, then path 1, then path 1 flipped with 3× (the restart), then path 2
    const which = t < 1.5 ? 0 : t < 3 ? 1 : t < 4 ? 1 : 2;
    const sign = t >= 3 && t < 4 ? -3 : 1;
    const h = paths[which]!;
    let s = 0;
    for (let k = 0; k < taps && k <= i; k++) s += h[k]! * x[i - k]!;
    const talk = Math.floor(t / 0.35) % 3 === 0 ? 0.03 * Math.sin(i * (2000 / rate)) : 0;
    const burst = t > 4.6 && t < 4.65 ? 0.5 * rng.gaussian() : 0;
    d[i] = sign * s + talk + burst + 0.001 * rng.gaussian();
  }
  return { d, x };
}

export interface BitIdentityCase {
  readonly name: string;
  readonly rate: number;
  readonly overrides: ReferenceCancellerOverrides;
}

/** The defaults before the coherent-power level term (`twoPath.coherenceSeconds`) existed. */
const NO_COHERENCE: ReferenceCancellerOverrides = { model: { twoPath: { coherenceSeconds: 0 } } };

export const BIT_IDENTITY_CASES: readonly BitIdentityCase[] = [
  { name: 'defaults, 16 kHz', rate: 16000, overrides: {} },
  { name: 'defaults, 48 kHz', rate: 48000, overrides: {} },
  { name: 'defaults without the coherence term, 16 kHz', rate: 16000, overrides: NO_COHERENCE },
  { name: 'defaults without the coherence term, 48 kHz', rate: 48000, overrides: NO_COHERENCE },
  {
    name: 'defaults without the coherence term, 1024 taps, 48 kHz',
    rate: 48000,
    overrides: { model: { blockSize: 128, filterMs: (1024 * 1000) / 48000, twoPath: { coherenceSeconds: 0 } } },
  },
  {
    name: 'per-bin step control on, no coherence term, 16 kHz',
    rate: 16000,
    overrides: { model: { twoPath: { binStepGain: 2, coherenceSeconds: 0 } } },
  },
  {
    name: 'EMA foreground, no mixture, no coherence term, 16 kHz',
    rate: 16000,
    overrides: {
      emaSeconds: 0.3,
      model: { twoPath: { foreground: 'ema', combination: 'none', coherenceSeconds: 0 } },
    },
  },
];

/** SHA-256 of every output block, the final weights and the counters; `prepare` may switch paths. */
export function runCase(
  c: BitIdentityCase,
  prepare: (f: ReferenceCanceller) => void = () => {},
): { digest: string; counters: Record<string, number> } {
  const f = createReferenceCanceller(referenceCancellerConfig(c.rate, c.overrides), c.rate) as ReferenceCanceller;
  prepare(f);
  const { d, x } = bitIdentityScene(c.rate, 6, 7);
  const B = f.frameSize;
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  const hash = createHash('sha256');
  const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let b = 0; (b + 1) * B <= d.length; b++) {
    frame[0]!.set(d.subarray(b * B, (b + 1) * B));
    frame[1]!.set(x.subarray(b * B, (b + 1) * B));
    f.process(frame, out);
    hash.update(bytes(out));
  }
  hash.update(bytes(f.backgroundWeights));
  hash.update(bytes(f.foregroundWeights));
  hash.update(bytes(f.mixing));
  const counters = {
    copies: f.copies,
    backgroundResets: f.backgroundResets,
    restarts: f.restarts,
    gated: f.gated,
    bypassed: f.bypassed,
    restores: f.restores,
  };
  hash.update(JSON.stringify(counters));
  return { digest: hash.digest('hex'), counters };
}
