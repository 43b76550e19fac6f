/**
 * Checkpoint averaging of one training run (dev script): the element-wise mean of the weights and
 * biases of several epochs' weights modules, written as a new weights module. Averaging the iterates
 * of the tail of a run (Polyak–Ruppert averaging; "stochastic weight averaging" in deep learning) lands
 * nearer the centre of the flat region that the last epochs circle around than any one of them.
 *
 *   npx tsx scripts/prior/average-prior-weights.ts --in run.ep5.ts,run.ep6.ts,run.ep7.ts --out avg.ts
 *
 * Every input must come from the same run: same layer sizes, bands, features and input normaliser
 * (the normaliser is computed from the training frames, so it is identical within a run); the script
 * refuses anything else. The noise-only threshold is the run's (the first input's; equal within a run).
 */
import { writeFileSync } from 'node:fs';
import { encodePriorWeights, type PriorWeights } from '../../src/models/prior/prior-weights-codec.js';
import { loadPriorWeightsModule } from './load-prior-weights-module.js';
import { renderPriorWeightsModule } from './render-prior-weights-module.js';

const args = process.argv.slice(2);
const arg = (flag: string): string => {
  const i = args.indexOf(flag);
  if (i < 0 || i + 1 >= args.length) throw new Error(`missing ${flag}`);
  return args[i + 1]!;
};

interface Loaded {
  readonly file: string;
  readonly weights: PriorWeights;
  readonly threshold: number;
}

async function load(file: string): Promise<Loaded> {
  return { file, ...(await loadPriorWeightsModule(file)) };
}

const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

function checkSameRun(first: Loaded, other: Loaded): void {
  const a = first.weights;
  const b = other.weights;
  const same =
    sameArray(a.layers, b.layers) &&
    JSON.stringify(a.bands) === JSON.stringify(b.bands) &&
    JSON.stringify(a.features) === JSON.stringify(b.features) &&
    sameArray(a.mean, b.mean) &&
    sameArray(a.std, b.std);
  if (!same)
    throw new Error(`${other.file} is not from the same run as ${first.file} (layers, features or normaliser differ)`);
}

/** The element-wise mean of `arrays` (float64 sums, rounded once to float32). */
function mean(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays[0]!.length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (const a of arrays) s += a[i]!;
    out[i] = s / arrays.length;
  }
  return out;
}

/** The epoch a weights module was written at, from its run description ("…; epoch N; …"). */
function epochOf(info: string): string {
  const m = /; (?:best )?epoch (\d+);/.exec(info);
  if (!m) throw new Error(`no epoch in the run description: ${info}`);
  return m[1]!;
}

const inputs = await Promise.all(arg('--in').split(',').map(load));
for (const x of inputs.slice(1)) checkSameRun(inputs[0]!, x);
const base = inputs[0]!.weights;
const averaged: PriorWeights = {
  ...base,
  weights: base.weights.map((_, l) => mean(inputs.map((x) => x.weights.weights[l]!))),
  biases: base.biases.map((_, l) => mean(inputs.map((x) => x.weights.biases[l]!))),
  info: `mean of the weights of epochs ${inputs.map((x) => epochOf(x.weights.info)).join(', ')} (scripts/prior/average-prior-weights.ts) of the run ${base.info.replace(/; (?:best )?epoch \d+; (\d+ frames); validation loss [\d.]+;/, '; $1;')}`,
};
const out = arg('--out');
writeFileSync(out, renderPriorWeightsModule(encodePriorWeights(averaged), averaged.info, inputs[0]!.threshold));
console.error(`wrote ${out}: mean of ${inputs.map((x) => x.file).join(', ')}`);
