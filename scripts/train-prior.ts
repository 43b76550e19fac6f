/**
 * Offline training of the single-channel speech prior (the gain network of PriorDenoiser).
 *
 *   npx tsx scripts/train-prior.ts [--clips 120] [--epochs 6] [--hidden 128,96] [--energy-weight 1] [--seed 1]
 *     [--bands 40] [--min-width 62.5] [--context 5] [--averages 0.8,0.97] [--utterances 240]
 *     [--kind-weights babble:2,bursts:2] [--low-snr babble:-10] [--lr 0.003] [--decay-after 3] [--decay 0.6]
 *     [--patience 0] [--room 0] [--init weights.ts] [--write [--out file.ts] [--every-epoch]]
 *
 * --bands/--min-width set the band layout (finer low-frequency resolution: more bands of the minimum
 * width, one FFT bin at 16 kHz), --context the frames of band-energy context, --averages the EMA
 * coefficients of the running averages (a longer memory); all are stored with the weights.
 *
 * --utterances sets how many training utterances are synthesised (more talkers and texts; the first 240
 * are the same whatever the count). --kind-weights draws the listed noise kinds that many times more
 * often than the others (weight 1). --low-snr kind:dB lowers the SNR range of that kind to dB…15 dB
 * (default −5…15 for all). --lr, --decay-after and --decay set the schedule lr·decay^max(0, epoch −
 * decay-after + 1); --patience P stops after P epochs without a better validation loss (0: never).
 * --room P passes a mixture's noise, with probability P, through a random room-like path of 2–43 ms
 * (room-coloured noise, as a noise source heard across a room; no extra draw when P = 0).
 * --init continues training from a weights module written by this script (fine-tuning): its layers, bands
 * and features must match the flags, and its input normalisation (mean, std) is kept instead of recomputed.
 *
 * Needs Festival (`text2wave`, voices kal_diphone + cmu_us_slt_arctic_hts), `espeak-ng` and `sox`
 * to synthesise the training speech once (cached in .tmp/prior-speech). With --write it replaces
 * src/models/prior/prior-weights.generated.ts (or writes --out); --every-epoch also writes each epoch's weights
 * next to --out as NAME.epochN.ts (for scripts/prior/average-prior-weights.ts). Seeded and reproducible (single thread).
 *
 * Data: mixtures of the synthetic training speech (voices and texts disjoint from the benchmark's
 * test speech, see speech-corpus.ts) with the project's noise generators (white/pink, hum, brown,
 * babble of training voices, bursts, level jumps, drifting fan noise, and sums of two of them),
 * SNR −5…15 dB, level −45…−10 dBFS, 16 kHz and 48 kHz. Features come from the very same code the
 * denoiser runs (PriorStream's analyser, band map and tracker); targets are the ideal band gains
 * g_b = min(1, √(S_b / X_b)) (clean over noisy band energy).
 *
 * Loss (per band): (√ĝ − √g)² + λ·w_b·(ĝ − g)², ĝ = σ(z), w_b = X_b / (the clip's mean band energy) capped at 20
 * (the second term is the output's spectral error, which SI-SDR measures; λ = --energy-weight, default 1). Optimiser: this project's Adamax (src/optim), minibatch 256,
 * learning rate 3e-3 decayed by ×0.6 per epoch after epoch 3, best epoch on the validation mixtures kept.
 *
 * Backprop is written by hand: the network is a 3-layer perceptron (ReLU, sigmoid output), whose
 * gradients take a few lines, and no ML library is allowed as a dependency of the package; tfjs is a
 * dev dependency for benchmarks only and would not be faster than these loops on the CPU backend.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLayout } from '../src/core/param-layout.js';
import { Random } from '../src/core/random.js';
import { priorFftSize } from '../src/models/prior/hop-analyzer.js';
import { DEFAULT_PRIOR_FEATURES, priorInputSize } from '../src/models/prior/prior-features.js';
import { PriorStream } from '../src/models/prior/prior-stream.js';
import { encodePriorWeights, type PriorWeights } from '../src/models/prior/prior-weights-codec.js';
import { Adamax } from '../src/optim/adamax.js';
import { fftConvolve, roomPath } from '../src/signal/abrupt-noise-v2-scene.js';
import { makeNoise, NOISY_SPEECH_KINDS } from '../src/signal/noisy-speech-scenario.js';
import { resample } from '../src/signal/resample.js';
import { loadPriorWeightsModule } from './prior/load-prior-weights-module.js';
import { renderPriorWeightsModule } from './prior/render-prior-weights-module.js';
import { speechCorpus } from './prior/speech-corpus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (flag: string, d: string): string => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1]! : d;
};
const CLIPS = Number(arg('--clips', '120'));
const EPOCHS = Number(arg('--epochs', '6'));
const HIDDEN = arg('--hidden', '128,96').split(',').map(Number);
const SEED = Number(arg('--seed', '1'));
const BANDS = { count: Number(arg('--bands', '40')), minWidthHz: Number(arg('--min-width', '62.5')) };
const FEATURES = {
  ...DEFAULT_PRIOR_FEATURES,
  context: Number(arg('--context', String(DEFAULT_PRIOR_FEATURES.context))),
  averages: arg('--averages', DEFAULT_PRIOR_FEATURES.averages.join(',')).split(',').map(Number),
};
const UTTERANCES = Number(arg('--utterances', '240'));
const LR = Number(arg('--lr', '3e-3'));
const DECAY_AFTER = Number(arg('--decay-after', '3'));
const DECAY = Number(arg('--decay', '0.6'));
const PATIENCE = Number(arg('--patience', '0'));
const ROOM = Number(arg('--room', '0'));
const INIT = arg('--init', '');
/** `kind:number` pairs of a flag, e.g. `babble:2,bursts:2`. */
const pairs = (flag: string): Map<string, number> =>
  new Map(
    arg(flag, '')
      .split(',')
      .filter((p) => p.includes(':'))
      .map((p) => [p.split(':')[0]!, Number(p.split(':')[1])] as [string, number]),
  );
const KIND_WEIGHTS = pairs('--kind-weights');
const LOW_SNR = pairs('--low-snr');
for (const k of [...KIND_WEIGHTS.keys(), ...LOW_SNR.keys()])
  if (!(NOISY_SPEECH_KINDS as readonly string[]).includes(k))
    throw new Error(`unknown noise kind '${k}' (allowed: ${NOISY_SPEECH_KINDS.join(', ')})`);
const CLIP_SEC = 6;
/** λ of the energy-weighted term λ·w_b·(ĝ − g)² (w_b = band energy over the clip's mean): the output's spectral error, which SI-SDR measures. */
const ENERGY_WEIGHT = Number(arg('--energy-weight', '1'));
const INPUTS = priorInputSize(BANDS.count, FEATURES);

interface Dataset {
  x: Float32Array;
  y: Float32Array;
  /** Energy weight of each target: X_b / (mean band energy of the clip), capped at 20. */
  w: Float32Array;
  /** mean_b ln(E_b/N_b) per frame and whether the frame is noise only (clean energy < 1 % of the noise). */
  ratio: Float32Array;
  noiseOnly: Uint8Array;
  n: number;
}

/** Placeholder weights of the right shape: features only need the shapes (the net is not run). */
function shapeOnly(inputs: number): PriorWeights {
  const layers = [inputs, BANDS.count];
  return {
    layers,
    bands: BANDS,
    features: FEATURES,
    mean: new Float32Array(inputs),
    std: new Float32Array(inputs).fill(1),
    weights: [new Float32Array(inputs * BANDS.count)],
    biases: [new Float32Array(BANDS.count)],
    info: 'shape only',
  };
}

/** The main noise kind of a mixture: uniform, or weighted by --kind-weights (the same draw when none is given). */
function pickKind(rng: Random): (typeof NOISY_SPEECH_KINDS)[number] {
  const kinds = NOISY_SPEECH_KINDS;
  if (KIND_WEIGHTS.size === 0) return kinds[rng.int(0, kinds.length - 1)]!;
  const w = kinds.map((k) => KIND_WEIGHTS.get(k) ?? 1);
  let u = rng.next() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < kinds.length; i++) {
    u -= w[i]!;
    if (u < 0) return kinds[i]!;
  }
  return kinds[kinds.length - 1]!;
}

/** Target talkers are utterances [0, split), babble talkers [split, end). */
function mixture(
  rng: Random,
  sp: Float32Array[],
  split: number,
  fs: number,
): { clean: Float32Array; noisy: Float32Array } {
  const len = Math.round(CLIP_SEC * fs);
  const clean = new Float32Array(len);
  let pos = Math.round(rng.uniform(0, 1) * fs);
  while (pos < len) {
    const u = sp[rng.int(0, split - 1)]!;
    const g = 10 ** (rng.uniform(-4, 4) / 20);
    for (let i = 0; i < u.length && pos + i < len; i++) clean[pos + i] = u[i]! * g;
    pos += u.length + Math.round(rng.uniform(0.1, 1.2) * fs);
  }
  const kinds = NOISY_SPEECH_KINDS;
  const babbleSet = Array.from({ length: rng.int(3, 8) }, () => sp[rng.int(split, sp.length - 1)]!);
  const kind = pickKind(rng);
  const noise = makeNoise(kind, len, fs, rng, babbleSet);
  if (rng.next() < 0.25) {
    const extra = makeNoise(kinds[rng.int(0, kinds.length - 1)]!, len, fs, rng, babbleSet);
    const g = 10 ** (rng.uniform(-15, 0) / 20);
    for (let i = 0; i < len; i++) noise[i] = noise[i]! + g * extra[i]!;
  }
  const heard = ROOM > 0 && rng.next() < ROOM ? fftConvolve(noise, roomPath(rng, rng.uniform(2, 43), fs)) : noise;
  let ps = 0;
  let pn = 0;
  for (let i = 0; i < len; i++) {
    ps += clean[i]! * clean[i]!;
    pn += heard[i]! * heard[i]!;
  }
  const snr = rng.uniform(LOW_SNR.get(kind) ?? -5, 15);
  const gn = Math.sqrt(ps / (pn * 10 ** (snr / 10)));
  const noisy = new Float32Array(len);
  let pm = 0;
  for (let i = 0; i < len; i++) {
    noisy[i] = clean[i]! + gn * heard[i]!;
    pm += noisy[i]! * noisy[i]!;
  }
  const level = 10 ** (rng.uniform(-45, -10) / 20) / Math.sqrt(pm / len + 1e-20);
  for (let i = 0; i < len; i++) {
    noisy[i] = noisy[i]! * level;
    clean[i] = clean[i]! * level;
  }
  return { clean, noisy };
}

/** The rate of mixture `c`: every fourth at 48 kHz, the others at 16 kHz. */
const clipRate = (c: number): number => (c % 4 === 3 ? 48000 : 16000);

/** The dataset's arrays for `count` mixtures, sized once: every mixture has ⌊CLIP_SEC·fs / hop⌋ frames (hop = N/2, as PriorStream's). */
function allocate(count: number): Dataset {
  const frames = (fs: number): number => Math.floor(Math.round(CLIP_SEC * fs) / (priorFftSize(fs) / 2));
  const f16 = frames(16000);
  const f48 = frames(48000);
  let n = 0;
  for (let c = 0; c < count; c++) n += clipRate(c) === 48000 ? f48 : f16;
  return {
    x: new Float32Array(n * INPUTS),
    y: new Float32Array(n * BANDS.count),
    w: new Float32Array(n * BANDS.count),
    ratio: new Float32Array(n),
    noiseOnly: new Uint8Array(n),
    n,
  };
}

/**
 * Features (same code path as the denoiser) and ideal band-gain targets for `count` mixtures, written
 * straight into arrays sized once (a typed array per frame took more than 24 GB at 4800 mixtures).
 */
function build(count: number, speech16: Float32Array[], speech48: Float32Array[], seed: number): Dataset {
  const rng = new Random(seed);
  const ds = allocate(count);
  const m = BANDS.count;
  let row = 0;
  for (let c = 0; c < count; c++) {
    const fs = clipRate(c);
    const sp = fs === 16000 ? speech16 : speech48;
    const split = Math.floor(sp.length * 0.75);
    const { clean, noisy } = mixture(rng, sp, split, fs);
    const probe = new PriorStream(shapeOnly(INPUTS), { sampleRate: fs, gainFloorDb: -80, adaptation: null });
    const cleanAna = new PriorStream(shapeOnly(INPUTS), { sampleRate: fs, gainFloorDb: -80, adaptation: null });
    const h = probe.hop;
    const cleanE = new Float64Array(probe.map.totalBands);
    const first = row;
    let clipE = 0;
    for (let s = 0; s + h <= noisy.length; s += h, row++) {
      probe.analyzer.analyze(noisy.subarray(s, s + h));
      probe.features.update(probe.analyzer.power);
      cleanAna.analyzer.analyze(clean.subarray(s, s + h));
      probe.map.bandEnergies(cleanAna.analyzer.power, cleanE);
      let r = 0;
      let se = 0;
      let ne = 0;
      for (let b = 0; b < m; b++) {
        const X = probe.features.energy[b]!;
        const S = cleanE[b]!;
        ds.y[row * m + b] = X > 1e-14 ? Math.min(1, Math.sqrt(S / X)) : 0;
        ds.w[row * m + b] = X;
        clipE += X;
        r += Math.log((X + 1e-30) / (probe.features.noise[b]! + 1e-30));
        se += S;
        ne += Math.max(0, X - S);
      }
      ds.x.set(probe.features.features, row * INPUTS);
      ds.ratio[row] = r / m;
      ds.noiseOnly[row] = se < 0.01 * ne ? 1 : 0;
    }
    const meanE = clipE / ((row - first) * m) + 1e-30;
    for (let i = first * m; i < row * m; i++) ds.w[i] = Math.min(20, ds.w[i]! / meanE);
  }
  if (row !== ds.n) throw new Error(`train-prior: built ${row} frames, sized ${ds.n}`);
  return ds;
}

/** The utterances at 48 kHz, resampled on first use (resampling all of them up front is slow). */
function up48(x: Float32Array[]): Float32Array[] {
  const cache = new Map<number, Float32Array>();
  return new Proxy(x, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) {
        const i = Number(key);
        let v = cache.get(i);
        if (!v) {
          v = resample(target[i]!, 16000, 48000);
          cache.set(i, v);
        }
        return v;
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

console.error('speech corpus …');
const t0 = performance.now();
const dir = join(root, '.tmp', 'prior-speech');
const train16 = speechCorpus(dir, 'train', UTTERANCES, 9);
const val16 = speechCorpus(dir, 'validation', 16, 9);
const train48 = up48(train16);
const val48 = up48(val16);
console.error(`speech ready (${((performance.now() - t0) / 1000).toFixed(0)} s); building features …`);
const trainSet = build(CLIPS, train16, train48, SEED * 7919);
const valSet = build(Math.max(8, Math.round(CLIPS / 20)), val16, val48, SEED * 104729 + 1);
const IN = trainSet.x.length / trainSet.n;
console.error(
  `frames: train ${trainSet.n}, validation ${valSet.n}, inputs ${IN} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
);

// normalisation statistics of the training features
const mean = new Float32Array(IN);
const std = new Float32Array(IN);
{
  const s1 = new Float64Array(IN);
  const s2 = new Float64Array(IN);
  for (let i = 0; i < trainSet.n; i++) {
    for (let j = 0; j < IN; j++) {
      const v = trainSet.x[i * IN + j]!;
      s1[j] += v;
      s2[j] += v * v;
    }
  }
  for (let j = 0; j < IN; j++) {
    const mu = s1[j]! / trainSet.n;
    mean[j] = mu;
    std[j] = Math.sqrt(Math.max(1e-6, s2[j]! / trainSet.n - mu * mu));
  }
}

const LAYERS = [IN, ...HIDDEN, BANDS.count];
const L = LAYERS.length - 1;
const specs = [];
for (let l = 0; l < L; l++)
  specs.push({ name: `w${l}`, shape: [LAYERS[l]!, LAYERS[l + 1]!] }, { name: `b${l}`, length: LAYERS[l + 1]! });
const layout = createLayout(specs);
const opt = new Adamax({ learningRate: 3e-3 });
const core = opt.buildFlat(layout);
const view = (buf: Float32Array, name: string): Float32Array => {
  const g = layout.groups.find((q) => q.name === name)!;
  return buf.subarray(g.offset, g.offset + g.length);
};
const W = Array.from({ length: L }, (_, l) => view(core.params, `w${l}`));
const Bv = Array.from({ length: L }, (_, l) => view(core.params, `b${l}`));
const GW = Array.from({ length: L }, (_, l) => view(core.grads, `w${l}`));
const GB = Array.from({ length: L }, (_, l) => view(core.grads, `b${l}`));
{
  const init = new Random(SEED);
  for (let l = 0; l < L; l++) {
    const s = Math.sqrt(2 / LAYERS[l]!) * (l === L - 1 ? 0.5 : 1);
    for (let i = 0; i < W[l]!.length; i++) W[l]![i] = s * init.gaussian();
  }
}
if (INIT) await loadInit(INIT);

/** --init: the starting weights and normalisation from a module of this script (architecture checked). */
async function loadInit(file: string): Promise<void> {
  const { weights: w } = await loadPriorWeightsModule(file);
  const want = JSON.stringify({ layers: LAYERS, bands: BANDS, features: FEATURES });
  const got = JSON.stringify({ layers: w.layers, bands: w.bands, features: w.features });
  if (want !== got) throw new Error(`--init ${file}: architecture ${got} does not match the flags ${want}`);
  for (let l = 0; l < L; l++) {
    W[l]!.set(w.weights[l]!);
    Bv[l]!.set(w.biases[l]!);
  }
  mean.set(w.mean);
  std.set(w.std);
  console.error(`initialised from ${file}`);
}

const BATCH = 256;
const acts = LAYERS.map((n) => new Float32Array(BATCH * n));
const deltas = LAYERS.map((n) => new Float32Array(BATCH * n));

/** Forward pass of `bs` rows starting at `rows` (indices into the dataset); returns the summed loss. */
function forward(ds: Dataset, idx: Int32Array, from: number, bs: number): void {
  const a0 = acts[0]!;
  for (let r = 0; r < bs; r++) {
    const i = idx[from + r]!;
    for (let j = 0; j < IN; j++) a0[r * IN + j] = (ds.x[i * IN + j]! - mean[j]!) / std[j]!;
  }
  for (let l = 0; l < L; l++) {
    const nin = LAYERS[l]!;
    const nout = LAYERS[l + 1]!;
    const x = acts[l]!;
    const y = acts[l + 1]!;
    const w = W[l]!;
    const b = Bv[l]!;
    for (let r = 0; r < bs; r++) {
      const yo = r * nout;
      for (let o = 0; o < nout; o++) y[yo + o] = b[o]!;
      const xo = r * nin;
      for (let i = 0; i < nin; i++) {
        const xi = x[xo + i]!;
        if (xi === 0) continue;
        const row = i * nout;
        for (let o = 0; o < nout; o++) y[yo + o] += xi * w[row + o]!;
      }
      if (l < L - 1) for (let o = 0; o < nout; o++) y[yo + o] = Math.max(y[yo + o]!, 0);
      else for (let o = 0; o < nout; o++) y[yo + o] = 1 / (1 + Math.exp(-y[yo + o]!));
    }
  }
}

function lossAndOutputDelta(ds: Dataset, idx: Int32Array, from: number, bs: number): number {
  const m = BANDS.count;
  const g = acts[L]!;
  const d = deltas[L]!;
  let loss = 0;
  for (let r = 0; r < bs; r++) {
    const i = idx[from + r]!;
    for (let o = 0; o < m; o++) {
      const p = g[r * m + o]!;
      const t = ds.y[i * m + o]!;
      const sp = Math.sqrt(p + 1e-8);
      const e = sp - Math.sqrt(t);
      const wt = ENERGY_WEIGHT * ds.w[i * m + o]!;
      loss += e * e + wt * (p - t) * (p - t);
      // d/dz (√σ(z) − √t)² = 2e · (1/(2√p)) · p(1 − p) = e·√p·(1 − p);  d/dz λw(p − t)² = 2λw(p − t)·p(1 − p)
      d[r * m + o] = (e * sp * (1 - p) + 2 * wt * (p - t) * p * (1 - p)) / (bs * m);
    }
  }
  return loss;
}

function backward(bs: number): void {
  for (let l = L - 1; l >= 0; l--) {
    const nin = LAYERS[l]!;
    const nout = LAYERS[l + 1]!;
    const x = acts[l]!;
    const dy = deltas[l + 1]!;
    const gw = GW[l]!;
    const gb = GB[l]!;
    const w = W[l]!;
    gw.fill(0);
    gb.fill(0);
    const dx = deltas[l]!;
    for (let r = 0; r < bs; r++) {
      const yo = r * nout;
      const xo = r * nin;
      for (let o = 0; o < nout; o++) gb[o] += dy[yo + o]!;
      for (let i = 0; i < nin; i++) {
        const xi = x[xo + i]!;
        const row = i * nout;
        if (xi === 0) {
          if (l > 0) dx[xo + i] = 0; // ReLU inactive
          continue;
        }
        if (l === 0) {
          for (let o = 0; o < nout; o++) gw[row + o] += xi * dy[yo + o]!;
          continue;
        }
        let s = 0;
        for (let o = 0; o < nout; o++) {
          const g = dy[yo + o]!;
          gw[row + o] += xi * g;
          s += w[row + o]! * g;
        }
        dx[xo + i] = s; // x = relu(·) > 0 here
      }
    }
  }
}

function evaluate(ds: Dataset): number {
  const idx = Int32Array.from({ length: ds.n }, (_, i) => i);
  let loss = 0;
  for (let s = 0; s < ds.n; s += BATCH) {
    const bs = Math.min(BATCH, ds.n - s);
    forward(ds, idx, s, bs);
    loss += lossAndOutputDelta(ds, idx, s, bs);
  }
  return loss / (ds.n * BANDS.count);
}

/** The non-default data and schedule flags of this run, as they would be typed (empty for the defaults). */
function extraFlags(): string {
  const f: string[] = [];
  if (UTTERANCES !== 240) f.push(`--utterances ${UTTERANCES}`);
  if (KIND_WEIGHTS.size) f.push(`--kind-weights ${arg('--kind-weights', '')}`);
  if (LOW_SNR.size) f.push(`--low-snr ${arg('--low-snr', '')}`);
  if (ROOM > 0) f.push(`--room ${ROOM}`);
  if (LR !== 3e-3) f.push(`--lr ${LR}`);
  if (DECAY_AFTER !== 3) f.push(`--decay-after ${DECAY_AFTER}`);
  if (DECAY !== 0.6) f.push(`--decay ${DECAY}`);
  if (PATIENCE) f.push(`--patience ${PATIENCE}`);
  if (INIT) f.push(`--init ${INIT.split('/').pop()}`);
  return f.map((x) => ` ${x}`).join('');
}

/** Writes the current weights as the run's best (`--out`), or to `file` (`--every-epoch` snapshots). */
function save(epochs: number, file?: string): void {
  // Noise-only threshold for the online adaptation: the 30th percentile of mean_b ln(E_b/N_b) on
  // the training frames without speech, and the share of flagged frames that really are noise only.
  const qs = Array.from(trainSet.ratio.filter((_, i) => trainSet.noiseOnly[i] === 1)).sort((a, b) => a - b);
  const threshold = qs[Math.floor(qs.length * 0.3)] ?? 0;
  let flagged = 0;
  let right = 0;
  for (let i = 0; i < trainSet.n; i++) {
    if (trainSet.ratio[i]! < threshold) {
      flagged++;
      right += trainSet.noiseOnly[i]!;
    }
  }
  console.error(
    `noise-only threshold ${threshold.toFixed(3)} nats: precision ${(right / Math.max(1, flagged)).toFixed(3)}`,
  );

  const weights: PriorWeights = {
    layers: LAYERS,
    bands: BANDS,
    features: FEATURES,
    mean,
    std,
    weights: W.map((w) => Float32Array.from(w)),
    biases: Bv.map((b) => Float32Array.from(b)),
    info: `scripts/train-prior.ts --clips ${CLIPS} --epochs ${EPOCHS} --hidden ${HIDDEN.join(',')} --energy-weight ${ENERGY_WEIGHT} --seed ${SEED} --bands ${BANDS.count} --min-width ${BANDS.minWidthHz} --context ${FEATURES.context} --averages ${FEATURES.averages.join(',')}${extraFlags()}; ${file ? 'epoch' : 'best epoch'} ${epochs}; ${trainSet.n} frames; validation loss ${(file ? lastVal : best).toFixed(5)}; noiseOnlyThreshold ${threshold.toFixed(4)}`,
  };
  const bytes = encodePriorWeights(weights);
  console.error(`${weights.info}; ${bytes.length} bytes; ${((performance.now() - t0) / 1000).toFixed(0)} s total`);
  if (args.includes('--write')) {
    const out = file ?? arg('--out', join(root, 'src', 'models', 'prior', 'prior-weights.generated.ts'));
    writeFileSync(out, renderPriorWeightsModule(bytes, weights.info, threshold));
    console.error(`wrote ${out}`);
  }
}

const shuffleRng = new Random(SEED + 99);
let best = Number.POSITIVE_INFINITY;
let lastVal = Number.POSITIVE_INFINITY;
let bestEpoch = 0;
const order = Int32Array.from({ length: trainSet.n }, (_, i) => i);
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  opt.learningRate = LR * DECAY ** Math.max(0, epoch - DECAY_AFTER + 1);
  for (let i = order.length - 1; i > 0; i--) {
    const j = shuffleRng.int(0, i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  let tl = 0;
  for (let s = 0; s + BATCH <= trainSet.n; s += BATCH) {
    forward(trainSet, order, s, BATCH);
    tl += lossAndOutputDelta(trainSet, order, s, BATCH);
    backward(BATCH);
    core.step();
  }
  const vl = evaluate(valSet);
  lastVal = vl;
  if (vl < best) {
    best = vl;
    bestEpoch = epoch + 1;
    save(epoch + 1); // the best model so far is on disk even if the run is interrupted
  }
  // --every-epoch: also a snapshot of every epoch (for checkpoint averaging), next to --out.
  if (args.includes('--every-epoch')) save(epoch + 1, arg('--out', '').replace(/\.ts$/, `.epoch${epoch + 1}.ts`));
  console.error(
    `epoch ${epoch + 1}/${EPOCHS}: train ${(tl / (trainSet.n * BANDS.count)).toFixed(5)} validation ${vl.toFixed(5)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  if (PATIENCE > 0 && epoch + 1 - bestEpoch >= PATIENCE) {
    console.error(`early stop: no better validation loss for ${PATIENCE} epochs (best epoch ${bestEpoch})`);
    break;
  }
}
