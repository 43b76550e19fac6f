/**
 * Sample 01 — Keras-exact Adamax on a toy problem, through both APIs.
 *
 * Fits w in a noisy least-squares problem  min_w ½‖A w − b‖²  (A random, b = A w* + noise):
 *  1. with the class API (`Variable` + `Adamax.apply`, as in Keras), with a learning-rate schedule,
 *     gradient clipping and an EMA of the weights, then `finalizeVariableValues`;
 *  2. with the allocation-free flat API (`buildFlat` → `core.grads` / `core.step()`), as signal code does;
 *  3. saves the optimizer state half way, resumes in a fresh optimizer and checks the result is bit-identical.
 *
 * Run: node --import tsx samples/01-adamax-on-a-quadratic.ts
 */
import { pathToFileURL } from 'node:url';
import { Adamax, CosineDecay, createLayout, Random, Variable } from '../src/index.js';

export interface SampleResult {
  readonly steps: number;
  readonly initialLoss: number;
  readonly finalLoss: number;
  readonly distanceToSolution: number;
  readonly flatMatchesClassApi: boolean;
  readonly resumedBitIdentical: boolean;
}

function problem(n: number, m: number, seed: number) {
  const rng = new Random(seed);
  const a = Float32Array.from({ length: m * n }, () => rng.gaussian() / Math.sqrt(n));
  const wStar = Float32Array.from({ length: n }, () => rng.uniform(-2, 2));
  const b = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! * wStar[j]!;
    b[i] = s + 0.01 * rng.gaussian();
  }
  const residual = new Float32Array(m);
  /** ½‖Aw − b‖² and its gradient Aᵀ(Aw − b) written into `grad`. */
  const lossAndGrad = (w: Float32Array, grad: Float32Array): number => {
    let loss = 0;
    for (let i = 0; i < m; i++) {
      let s = -b[i]!;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * w[j]!;
      residual[i] = s;
      loss += 0.5 * s * s;
    }
    grad.fill(0);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) grad[j] = grad[j]! + a[i * n + j]! * residual[i]!;
    return loss;
  };
  return { wStar, lossAndGrad };
}

export function main(options: { tiny?: boolean; log?: (line: string) => void } = {}): SampleResult {
  const log = options.log ?? console.log;
  const n = options.tiny ? 8 : 32;
  const steps = options.tiny ? 200 : 2000;
  const { wStar, lossAndGrad } = problem(n, 4 * n, 42);
  const makeOptimizer = () =>
    new Adamax({
      learningRate: new CosineDecay({ initialLearningRate: 0.05, decaySteps: steps, alpha: 0.05 }),
      globalClipnorm: 10,
      useEma: true,
      emaMomentum: 0.95,
    });

  // 1. Class API, as in Keras.
  const w = new Variable(new Float32Array(n), { name: 'w' });
  const opt = makeOptimizer();
  const grad = new Float32Array(n);
  const initialLoss = lossAndGrad(w.value, grad);
  let finalLoss = initialLoss;
  let saved: ReturnType<Adamax['saveState']> | null = null;
  let savedWeights: Float32Array | null = null;
  for (let t = 0; t < steps; t++) {
    finalLoss = lossAndGrad(w.value, grad);
    opt.apply([grad], [w]);
    if (t === steps / 2 - 1) {
      saved = structuredClone(opt.saveState());
      savedWeights = w.value.slice();
    }
    if ((t + 1) % (steps / 4) === 0)
      log(`step ${t + 1}: loss ${finalLoss.toExponential(3)}, lr ${opt.learningRate.toExponential(3)}`);
  }
  opt.finalizeVariableValues([w]);
  let dist = 0;
  for (let j = 0; j < n; j++) dist += (w.value[j]! - wStar[j]!) ** 2;
  const distanceToSolution = Math.sqrt(dist);

  // 2. The same run on the flat, allocation-free path.
  const flatOpt = makeOptimizer();
  const core = flatOpt.buildFlat(createLayout([{ name: 'w', length: n }]));
  for (let t = 0; t < steps; t++) {
    lossAndGrad(core.params, core.grads);
    core.step();
  }
  core.finalize();
  const flatMatchesClassApi = core.params.every((x, j) => Object.is(x, w.value[j]));

  // 3. Resume from the mid-run state in a fresh optimizer.
  const resumedOpt = makeOptimizer();
  resumedOpt.loadState(saved!);
  const w2 = new Variable(savedWeights!, { name: 'w' });
  for (let t = steps / 2; t < steps; t++) {
    lossAndGrad(w2.value, grad);
    resumedOpt.apply([grad], [w2]);
  }
  resumedOpt.finalizeVariableValues([w2]);
  const resumedBitIdentical = w2.value.every((x, j) => Object.is(x, w.value[j]));

  log(
    `loss ${initialLoss.toExponential(3)} → ${finalLoss.toExponential(3)} in ${steps} steps; ‖w − w*‖ = ${distanceToSolution.toExponential(3)}`,
  );
  log(`flat API identical to class API: ${flatMatchesClassApi}; resumed run bit-identical: ${resumedBitIdentical}`);
  return { steps, initialLoss, finalLoss, distanceToSolution, flatMatchesClassApi, resumedBitIdentical };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
